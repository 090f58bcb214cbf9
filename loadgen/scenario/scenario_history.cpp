// What each request of a client is in the history (`load --history`): the operation it starts,
// and how its answer ends it.
#include "common/printable.hpp"
#include "loadgen/scenario/scenario.hpp"
#include "loadgen/scenario/scenario_detail.hpp"

namespace sessdemo::loadgen {

std::optional<HistoryEvent> ScenarioLogic::history_start(std::uint32_t id, Client& c,
                                                         Step step) const {
  if (step == Step::follow && c.hist_open != OpF::none)
    return std::nullopt;  // a hop of the open one
  HistoryEvent e;
  e.type = OpType::invoke;
  e.client = id;
  switch (step) {
    case Step::write:
    case Step::logout_write:
      e.f = OpF::write;
      e.value_kind = HistoryEvent::Value::text;
      e.text.assign(make_name(run_tag_, id, c.writes.attempted));
      break;
    case Step::read:
    case Step::logout_check:
      e.f = OpF::read;
      break;
    case Step::follow:
      // The page a write's redirect leads to is a read of its own, when it is the page that
      // shows the name (the write ended at the redirect).
      if (c.redirected_from != Step::write || !c.acked_by_redirect ||
          scenario_detail::path_only(c.request_path) !=
              scenario_detail::path_only(opts_.details_path))
        return std::nullopt;
      e.f = OpF::read;
      break;
    case Step::counter_setup:
    case Step::increment:
      e.f = OpF::add;
      e.value_kind = HistoryEvent::Value::number;
      e.number = 1;
      return e;  // several at once per client: never "the open operation"
    case Step::final_read:
    case Step::done:
      e.f = OpF::read_counter;
      break;
    case Step::logout:
      e.f = OpF::logout;
      break;
    case Step::login_submit:
      e.f = OpF::login;
      break;
    case Step::journey: {
      const JourneyStep& s = journey_step(c);
      if (s.writes) {
        e.f = OpF::write;
        e.value_kind = HistoryEvent::Value::text;
        e.text.assign(make_name(run_tag_, id, c.writes.attempted));
      } else if (s.read) {
        e.f = OpF::read;
      } else if (s.logout) {
        e.f = OpF::logout;
      } else if (s.once && s.method != "GET") {
        e.f = OpF::login;
      } else {
        return std::nullopt;
      }
      break;
    }
    default:
      return std::nullopt;  // Home, the login page, get, and the logout scenario's increments
  }
  c.hist_open = e.f;
  return e;
}

std::optional<HistoryEvent> ScenarioLogic::history_end(std::uint32_t id, Client& c, OpF f,
                                                       const Answer& a, const Outcome& o,
                                                       bool sent) const {
  bool sequential = f != OpF::add;
  if (sequential) {
    // A redirect being followed: the operation goes on, unless it is a write the redirect
    // acknowledged (its page is then a read of its own).
    if (c.step == Step::follow && !(f == OpF::write && c.acked_by_redirect)) return std::nullopt;
    c.hist_open = OpF::none;
  }
  HistoryEvent e;
  e.f = f;
  e.status = a.status;
  bool reads = f == OpF::read || f == OpF::read_counter;
  if (!o.error) {
    e.type = OpType::ok;
  } else if (reads) {
    e.type = OpType::fail;  // a read that failed changed nothing
  } else {
    // Certainly not done: refused with a 4xx (or sent to log in), or never sent. Otherwise
    // (a timeout, a reset after sending, a 5xx, an answer past the end) the outcome is unknown.
    bool refused = (a.status >= 400 && a.status < 500) || o.error_kind == ErrorKind::login ||
                   o.error_kind == ErrorKind::refused || !sent;
    e.type = refused ? OpType::fail : OpType::info;
  }
  if (e.type == OpType::ok && f == OpF::read && opts_.journey) {
    // The value the step's read found (scenario_journey.cpp); several of the client's at once
    // are not judged.
    if (c.jambiguous) e.type = OpType::fail;
    if (c.jshown) {
      e.value_kind = HistoryEvent::Value::text;
      e.text.assign(*c.jshown);
    }
  } else if (e.type == OpType::ok && f == OpF::read) {
    auto shown = shown_name(a.body, run_tag_, id);
    if (shown.ambiguous) {
      e.type = OpType::fail;  // not judged: say where to read the name
      diagnose(scenario_detail::ambiguous,
               "a page of " + c.request_path +
                   " shows several of the client's names at once: not judged (a journey's read "
                   "with a css place says which one is the session's: docs/journeys.md)");
    } else if (shown.name) {
      e.value_kind = HistoryEvent::Value::text;
      e.text.assign(*shown.name);
    } else if (!shown.other_text.empty()) {
      diagnose(scenario_detail::not_a_value,
               "a page of " + c.request_path + " shows '" + printable(shown.other_text, 80) +
                   "' where the name belongs: not a name of this run, taken as no name");
    }
  }
  if (e.type == OpType::ok && f == OpF::read_counter && c.final_value >= 0) {
    e.value_kind = HistoryEvent::Value::number;
    e.number = c.final_value;
  }
  if (f == OpF::add) {
    e.value_kind = HistoryEvent::Value::number;
    e.number = 1;
  }
  return e;
}

}  // namespace sessdemo::loadgen
