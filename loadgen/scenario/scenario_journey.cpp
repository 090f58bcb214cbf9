// A journey's steps (`load --journey`, journey.hpp): each client's requests built from its step,
// its {references} filled, and what each answer means: values captured, the session's value
// read where the step says (or found absent), a write acknowledged as the step says or refused.
#include <algorithm>
#include <chrono>

#include "common/json_text.hpp"
#include "loadgen/http/url_reference.hpp"
#include "loadgen/scenario/locator.hpp"
#include "loadgen/scenario/page_text.hpp"
#include "loadgen/scenario/scenario.hpp"
#include "loadgen/scenario/scenario_detail.hpp"

namespace sessdemo::loadgen {

using namespace scenario_detail;

namespace {
std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
bool contains(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
}  // namespace

const JourneyStep& ScenarioLogic::journey_step(const Client& c) const {
  return opts_.journey->steps[c.jstep];
}

// A text of the journey with its {references} filled: the tester's own ({client}, {seq}, {run},
// {value}) and the client's captured variables; escaped for where it goes.
std::string ScenarioLogic::fill(std::string_view text, std::uint32_t id, const Client& c,
                                Fill how) const {
  const Journey& j = *opts_.journey;
  std::string out;
  auto value_of = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "client") return std::to_string(id);
    if (name == "seq") return std::to_string(c.writes.attempted);
    if (name == "run") return run_tag_;
    if (name == "value") return j.value.make(run_tag_, id, c.writes.attempted);
    if (name.starts_with("user.")) return j.user_cell(id, name.substr(5));
    auto it = std::find(j.vars.begin(), j.vars.end(), name);
    if (it == j.vars.end()) return std::nullopt;
    return c.vars.empty() ? "" : c.vars[static_cast<std::size_t>(it - j.vars.begin())];
  };
  while (!text.empty()) {
    auto open = text.find('{');
    if (open == std::string_view::npos) {
      out += text;
      break;
    }
    out += text.substr(0, open);
    text.remove_prefix(open);
    auto close = text.find('}');
    auto refs = references_in(text.substr(0, close == std::string_view::npos ? 0 : close + 1));
    auto v = refs.size() == 1 && refs[0].size() + 2 == close + 1 ? value_of(refs[0]) : std::nullopt;
    if (!v) {  // a brace of the text itself (a JSON object's), or a name the tester does not fill
      out += '{';
      text.remove_prefix(1);
      continue;
    }
    if (how == Fill::path)
      append_form_encoded(out, *v);  // a value goes into a path as a form field would
    else if (how == Fill::json)
      append_json_string(out, *v);
    else
      out += *v;
    text.remove_prefix(close + 1);
  }
  return out;
}

Kind ScenarioLogic::build_journey(std::uint32_t id, Client& c, std::string_view host, bool tls,
                                  std::string& out) const {
  const Journey& j = *opts_.journey;
  if (c.vars.empty()) {
    c.vars.resize(j.vars.size());
    c.var_at.resize(j.vars.size());
  }
  // A token older than the journey's lifetime is taken again first, as a browser reloading the
  // form would.
  if (j.capture_lifetime.count() > 0) {
    auto from = j.recapture_from(journey_step(c));
    auto limit = std::chrono::duration_cast<std::chrono::nanoseconds>(j.capture_lifetime).count();
    for (std::size_t v = 0; v < c.vars.size() && from < c.jstep; ++v)
      if (c.var_at[v] != 0 && now_ns() - c.var_at[v] > limit) {
        c.jstep = static_cast<std::uint16_t>(from);
        c.jrepeat = 0;
        break;
      }
  }
  const JourneyStep& s = journey_step(c);
  if (s.writes) c.writes.attempted = c.writes.acked + 1;
  PendingRequest& r = c.next;
  r.method = s.method;
  r.path = fill(s.path, id, c, Fill::path);
  r.body.clear();
  r.content_type.clear();
  if (s.body == JourneyStep::Body::form) {
    std::vector<FormField> fields;
    for (const auto& [k, v] : s.form) fields.push_back({k, fill(v, id, c, Fill::raw)});
    r.body = urlencode_fields(fields);
    r.content_type = "application/x-www-form-urlencoded";
  } else if (s.body == JourneyStep::Body::json) {
    r.body = fill(s.json, id, c, Fill::json);
    r.content_type = "application/json";
  }
  c.request_path = r.path;
  c.idempotent = idempotent_method(r.method);
  c.jstatus = 0;
  start_line(out, r.method, r.path, host, c);
  if (r.method != "GET" && r.method != "HEAD") write_headers(out, host, tls, c);
  for (const auto& [k, v] : s.headers) {
    std::string filled = fill(v, id, c, Fill::raw);
    if (filled.find_first_of("\r\n") != std::string::npos) continue;  // never a header of its own
    out += k + ": " + filled + "\r\n";
  }
  end_headers(out, r.body, r.content_type);
  return s.writes ? Kind::write : s.read ? Kind::read : s.once ? Kind::login : Kind::home;
}

// The step is done: again (repeat), the next, or back to the first step that is not `once`.
void ScenarioLogic::journey_next(Client& c) const {
  const Journey& j = *opts_.journey;
  c.step = Step::journey;
  if (++c.jrepeat < journey_step(c).repeat) return;
  c.jrepeat = 0;
  if (++c.jstep >= j.steps.size()) {
    // Round again: from the first step that is not `once`, or from the logins after a logout.
    c.jstep = c.jlogged_out ? 0 : static_cast<std::uint16_t>(j.loop_start);
    c.jlogged_out = false;
  }
}

// What a read step's answer showed: a value of this run (as the checker's names), nothing, or
// several of this client's values at once (ambiguous: not judged).
void ScenarioLogic::journey_read(std::uint32_t id, Client& c, const Answer& a, Outcome& o,
                                 bool landing) const {
  const JourneyStep& s = journey_step(c);
  c.jshown.reset();
  c.jambiguous = false;
  bool absent_page = contains(s.absent.statuses, a.status) ||
                     (landing && !s.absent.redirect.empty() &&
                      path_only(c.request_path) == path_only(s.absent.redirect));
  if (absent_page) {
    o.error = false;  // the app says the session is gone: a read of nothing, judged
    c.jlost = true;
    return;
  }
  if (o.error) return;
  auto v = locate(*s.read, a.body, c.jar);
  if (!v || v->empty() ||
      std::find(s.absent.texts.begin(), s.absent.texts.end(), *v) != s.absent.texts.end()) {
    c.jlost = true;
    return;
  }
  if (s.read->kind != Locator::Kind::page) {
    if (auto p = values_->parse(*v)) {
      c.jshown = make_name(run_tag_, p->client, p->seq);
      return;
    }
    c.jlost = true;
    diagnose(not_a_value, "the read of " + s.words() + " at " + s.read->words() + " showed '" +
                              v->substr(0, 60) +
                              "', not a value this run wrote: taken as no value (name such "
                              "texts in absent: text to say so)");
    return;
  }
  // Anywhere in the page: another visitor's value is a leak; several of this client's are
  // ambiguous (a flash naming the old value beside the new one).
  auto found = values_->find_all(*v);
  std::vector<ValueMatcher::Parsed> own;
  for (const auto& p : found) {
    if (p.client != id) {
      c.jshown = make_name(run_tag_, p.client, p.seq);
      return;
    }
    if (std::find(own.begin(), own.end(), p) == own.end()) own.push_back(p);
  }
  if (own.size() > 1) {
    c.jambiguous = true;
    diagnose(ambiguous, "the read of " + s.words() + " shows " + std::to_string(own.size()) +
                            " of the client's values at once: not judged (give the read a css, "
                            "json or regex place)");
    return;
  }
  if (own.empty()) {
    c.jlost = true;
    return;
  }
  c.jshown = make_name(run_tag_, own[0].client, own[0].seq);
}

// A write step's answer: acknowledged as the step says, refused for a token (taken again), or
// refused otherwise (said once with what the page said). No answer, a 5xx: unknown outcome.
bool ScenarioLogic::journey_write(std::uint32_t id, Client& c, const Answer& a, Outcome& o) const {
  const JourneyStep& s = journey_step(c);
  if (a.status == 0 || a.status >= 500) return false;  // o.error already: outcome unknown
  bool status_ok = s.ack.statuses.empty() ? c.jstatus >= 200 && c.jstatus < 400
                                          : contains(s.ack.statuses, c.jstatus);
  if (!s.ack.redirect.empty()) status_ok = status_ok && c.jlocation == path_only(s.ack.redirect);
  bool shown = true;
  if (status_ok && s.ack.shows) {
    auto v = locate(*s.ack.shows, a.body, c.jar);
    auto p = v ? values_->parse(*v) : std::nullopt;
    shown = p && p->client == id && p->seq == c.writes.attempted;
  }
  if (status_ok && shown) {
    o.error = false;
    if (s.writes) c.writes.acked = c.writes.attempted;
    if (s.logout) c.jlogged_out = true;
    return false;
  }
  o.error = true;
  if (contains(s.recapture_on, c.jstatus)) {
    o.error_kind = ErrorKind::csrf;
    return true;
  }
  o.error_kind = ErrorKind::refused;
  diagnose(refused_write, "the write of " + s.words() + " was refused (" +
                              std::to_string(c.jstatus) +
                              (status_ok ? ", the page does not show the value" : "") +
                              "): " + page_excerpt(a.body, 160));
  return false;
}

void ScenarioLogic::finish_journey(std::uint32_t id, Client& c, const Answer& a, Outcome& o,
                                   bool landing) const {
  const Journey& j = *opts_.journey;
  const JourneyStep& s = journey_step(c);
  c.step = Step::journey;
  if (a.status != 0)
    for (const Capture& cap : s.captures) {
      auto v = locate(cap.at, a.body, c.jar);
      if (v && plausible_token(*v)) {
        c.vars[cap.var] = std::move(*v);
        c.var_at[cap.var] = now_ns();
      } else if (!o.error) {
        diagnose(no_capture, "the answer to " + s.words() + " has nothing at " + cap.at.words() +
                                 " for {" + j.vars[cap.var] + "}");
      }
    }
  bool again = false;
  c.jlost = false;
  if (s.read) journey_read(id, c, a, o, landing);
  if (s.writes || s.logout) again = journey_write(id, c, a, o);
  if (!s.writes && o.error && contains(s.recapture_on, c.jstatus)) again = true;
  if (o.error && contains(s.recapture_on, c.jstatus) && !s.read) o.error_kind = ErrorKind::csrf;
  auto from = j.recapture_from(s);
  if (again && from <= c.jstep) {
    c.jstep = static_cast<std::uint16_t>(from);
    c.jrepeat = 0;
    return;
  }
  if (c.jlost && j.loop_start > 0) {
    // The session is gone: the client logs in (its `once` steps) again.
    c.jstep = 0;
    c.jrepeat = 0;
    return;
  }
  journey_next(c);
}

Outcome ScenarioLogic::apply_journey(std::uint32_t id, Client& c, Step step,
                                     const Answer& a) const {
  Outcome o;
  const JourneyStep& s = journey_step(c);
  o.kind = step == Step::follow ? Kind::redirect
           : s.writes           ? Kind::write
           : s.read             ? Kind::read
           : s.once             ? Kind::login
                                : Kind::home;
  // A logout's answer may clear the cookie: the client keeps the old one, as a thief of the id
  // would, so a read after it asks whether the session is dead on the server.
  if (a.status != 0 && !s.logout)
    for (auto sc : a.set_cookies) c.jar.apply_set_cookie(sc);
  if (step == Step::journey) {
    c.jstatus = a.status;
    // Where it redirected (for an acknowledgement by redirect), resolved as a browser would.
    auto to = resolve_reference(c.request_path, a.location, own_origin(a), nullptr);
    c.jlocation.assign(to ? path_only(*to) : std::string_view{});
  }
  // A write ends at its own answer (its redirect's page is no part of it), unless its
  // acknowledgement reads the page the redirect leads to.
  bool follow = s.follow && (!s.writes || s.ack.shows);
  if (follow && redirected(id, c, step, a, o)) return o;
  o.error = !(a.status >= 200 && a.status < 400);
  if (o.error) o.error_kind = error_kind_of(a, Step::journey);
  finish_journey(id, c, a, o, step == Step::follow);
  return o;
}

}  // namespace sessdemo::loadgen
