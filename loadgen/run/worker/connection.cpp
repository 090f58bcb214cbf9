// The request loop of one load connection: take a ticket, send the client's request, read and
// judge the answer, record it, schedule the client's next step. Plus the timeout watchdog.
#include <spdlog/spdlog.h>

#include <set>

#include "loadgen/run/said_once.hpp"
#include "loadgen/run/worker/impl.hpp"
#include "loadgen/scenario/page_text.hpp"

namespace sessdemo::loadgen {

namespace {
// "METHOD PATH" of a request's first line, for a diagnosis.
std::string_view request_line(std::string_view request) {
  auto end = request.find(" HTTP/1.1\r\n");
  return request.substr(
      0, end == std::string_view::npos ? std::min<std::size_t>(request.size(), 80) : end);
}

}  // namespace

// The first failure of each kind from each instance is logged once per run, with what was asked
// and what came back.
void Worker::Impl::diagnose_failure(const std::string& instance, ErrorKind kind,
                                    std::string_view request, const Answer& a,
                                    const std::string& note) {
  auto key = std::make_pair(instance, kind);
  // This worker's own set first: no lock for a failure it has said (or seen said) already.
  if (failures_logged.size() > 4096 || !failures_logged.insert(key).second) return;
  if (!plan.said || !plan.said->first(std::string("failure ") + to_string(kind) + " " + instance))
    return;
  if (a.status == 0)
    spdlog::warn("first {} error from {}: {} got no answer{}{}", to_string(kind), instance,
                 request_line(request), note.empty() ? "" : ": ", note);
  else
    spdlog::warn("first {} error from {}: {} answered {}: {}", to_string(kind), instance,
                 request_line(request), a.status, page_excerpt(a.body));
}

net::awaitable<void> Worker::Impl::wait_for(Waiter& me) {
  me.timer.expires_at(Clock::time_point::max());
  co_await me.timer.async_wait(use_tuple);
}

net::awaitable<void> Worker::Impl::connection(std::size_t target_index) {
  Target& t = targets[target_index];
  Line line(ioc, target_index);
  auto registered = guarded.insert(guarded.end(), &line.g);
  for (;;) {
    // Wait for a client that wants this instance; idle connections park on their timer.
    while (t.ready.empty() && !finished) {
      t.waiters.push_back(&line.me);
      co_await wait_for(line.me);
      std::erase(t.waiters, &line.me);
    }
    if (t.ready.empty()) break;
    Ticket ticket = t.ready.front();
    t.ready.pop_front();
    Attempt a = begin_attempt(line, ticket);
    co_await deliver(line, clients[ticket.client], a);
    complete(line, a);
  }
  guarded.erase(registered);
  close(line.g);
}

// The ticket's request is built, counted against the budget and, with --history, invoked.
Worker::Impl::Attempt Worker::Impl::begin_attempt(Line& line, Ticket ticket) {
  Attempt a;
  a.ticket = ticket;
  Client& c = clients[ticket.client];
  a.send_time = Clock::now();
  a.measured = a.send_time >= plan.measure_start && !final_phase;
  if (a.measured && plan.budget != 0) {
    if (budget_left == 0)
      a.measured = false;
    else if (--budget_left == 0)
      begin_stop();
  }
  a.late = plan.rate > 0 && a.send_time - ticket.ready > late_after;
  line.request.clear();
  const Target& t = targets[line.target_index];
  a.kind = logic.build_request(global_id(ticket.client), c, t.info.label, line.request, t.info.tls);
  a.step = ScenarioLogic::step_of(c.step, a.kind);
  a.hist = history_invoke(ticket.client, a.step, a.measured);
  c.sent++;
  line.g.deadline = a.send_time + opts.timeout;
  line.g.timed_out = false;
  return a;
}

// Sends the request and reads its answer: on the open connection when it is still usable, else
// on a new one. A reused connection found closed before any byte of the answer: sent once more
// on a new one when the request may be repeated, or when it never left.
net::awaitable<void> Worker::Impl::deliver(Line& line, Client& c, Attempt& a) {
  Target& t = targets[line.target_index];
  Guarded& g = line.g;
  Exchange& x = a.x;
  bool reused = line.connected;
  if (line.connected) {
    IdleState idle = idle_state(g);
    if (idle != IdleState::usable) {
      close(g);
      line.connected = reused = false;
      a.retried = idle == IdleState::closed;
      if (idle == IdleState::unasked_bytes) {
        x.ec = beast::http::error::unexpected_body;
        x.failure = ErrorKind::protocol;
        x.note = "bytes from the server while no request was outstanding (connection closed)";
      }
    }
  }
  for (int attempt = 0; !x.ec; ++attempt) {
    if (!line.connected) {
      // Opened at a pace the server takes them: a slot is held from the connect to the first
      // answer on the connection (a connect completes in the kernel before the server
      // accepts, so holding it only for the connect would still fill the listen backlog). A
      // few dozen per worker, not thousands of SYNs at once.
      if (!line.holding_slot) {
        while (connecting >= max_connecting) {
          connect_waiters.push_back(&line.me);
          co_await wait_for(line.me);
          std::erase(connect_waiters, &line.me);
        }
        ++connecting;
        line.holding_slot = true;
      }
      if (attempt == 0) g.deadline = Clock::now() + opts.timeout;  // the timeout runs from the slot
      line.buffer.clear();
      x.ec = co_await open(g, t, a.opened);
      x.failure = a.opened.failure;
      if (x.ec) break;
      line.connected = true;
      // A server that speaks before it is asked: its bytes belong to no request, on a new
      // connection as on a reused one (taken for the answer, they would shift every later one).
      if (idle_state(g) == IdleState::unasked_bytes) {
        close(g);
        line.connected = false;
        x.ec = beast::http::error::unexpected_body;
        x.failure = ErrorKind::protocol;
        x.note =
            "bytes from the server before the first request on a new connection (connection "
            "closed)";
        break;
      }
    }
    x.write_time = Clock::now();  // service time starts here: a connect is not in it
    co_await exchange(g, line.request, line.buffer, line.parsed, a.step != Step::get, x);
    bool again = x.ec && reused && attempt == 0 && !g.timed_out && !x.answer_started &&
                 closed_by_peer(x.ec) && (c.idempotent || !x.sent);
    if (!again) break;
    close(g);
    line.connected = reused = false;
    a.retried = true;
    x = Exchange{};
  }
}

// The answer (or the failure) is judged, recorded and, with --history, completed; the client's
// next step is scheduled.
void Worker::Impl::complete(Line& line, Attempt& a) {
  Target& t = targets[line.target_index];
  Client& c = clients[a.ticket.client];
  Exchange& x = a.x;
  beast::error_code& ec = x.ec;
  line.g.deadline = Clock::time_point::max();
  auto done_time = Clock::now();
  auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(done_time - a.ticket.ready).count();
  auto write_time = x.write_time == Clock::time_point{} ? done_time : x.write_time;
  auto service_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        done_time - std::min(write_time, done_time))
                        .count();
  // A timed-out request counts at exactly its timeout (which runs from the send, connect
  // included); the watchdog notices it up to one tick late.
  if (line.g.timed_out && ec) {
    ec = beast::error::timeout;
    x.failure = ErrorKind::timeout;
    service_us = std::chrono::duration_cast<std::chrono::microseconds>(opts.timeout).count();
    us = std::chrono::duration_cast<std::chrono::microseconds>(a.send_time - a.ticket.ready)
             .count() +
         service_us;
  }
  Answer& answer = line.answer;
  answer.status = 0;
  answer.failure = x.failure;
  answer.body = {};
  answer.location = {};
  answer.instance = {};
  answer.set_cookies.clear();
  line.key = t.last_instance.empty() ? t.info.label : t.last_instance;
  if (!ec) {
    const ParsedResponse& parsed = line.parsed;
    answer.status = parsed.status;
    answer.body = parsed.body;
    answer.location = parsed.location;
    answer.authority = t.info.label;
    answer.tls = t.info.tls;
    answer.set_cookies.assign(parsed.set_cookies.begin(),
                              parsed.set_cookies.begin() + parsed.cookie_count);
    if (!parsed.instance.empty()) {
      // Cleaned once per new id, not on every answer (the id rarely changes on an address).
      if (parsed.instance != t.last_raw_instance) {
        t.last_raw_instance = parsed.instance;
        t.last_instance = clean_instance_id(parsed.instance);
      }
      line.key = t.last_instance;
    } else if (!t.last_instance.empty()) {
      // An address whose answers name their instance, and one that does not: a page the
      // balancer served itself (its cache, its own 502). It is no instance's: the address's
      // own row, never the instance that answered last.
      if (t.unnamed_key.empty())
        t.unnamed_key = t.info.label + " (no " + opts.instance_header + ")";
      line.key = t.unnamed_key;
    }
    answer.instance = line.key;
    if (!x.keep_alive) ec = beast::http::error::end_of_stream;  // close below; the answer counts
  }
  Outcome o = logic.apply(global_id(a.ticket.client), c, a.step, answer);
  o.retried = a.retried;
  if (a.hist.f != OpF::none)
    o.judged = history_complete(a.ticket.client, a.hist, answer, o, x.sent, line.key);
  if (a.measured && a.step != Step::final_read)
    recorder.record(line.slot, line.key, static_cast<std::uint16_t>(line.target_index), a.kind, o,
                    answer.status, us, service_us, a.late, a.opened.connect_us, a.opened.tls_us);
  if (o.error) diagnose_failure(line.key, o.error_kind, line.request, answer, x.note);
  release_slot(line);
  if (ec) {
    close(line.g);
    line.connected = false;
  }
  reschedule(a.ticket.client, a.step);
}

// Answered (or failed): the connection's connect slot, if it held one, goes to the next opener.
void Worker::Impl::release_slot(Line& line) {
  if (!line.holding_slot) return;
  line.holding_slot = false;
  --connecting;
  if (!connect_waiters.empty()) connect_waiters.front()->timer.cancel();
}

// Closes the socket of any connection whose operation outlived the request timeout; the
// pending operation then fails and the request counts as an error. It looks every tenth of the
// timeout (1 ms at the least, 50 ms at the most), so a timeout fires that close to its value.
net::awaitable<void> Worker::Impl::watchdog() {
  net::steady_timer timer(ioc);
  auto tick = std::clamp<Clock::duration>(opts.timeout / 10, std::chrono::milliseconds(1),
                                          std::chrono::milliseconds(50));
  while (!finished) {
    timer.expires_after(tick);
    co_await timer.async_wait(use_tuple);
    auto now = Clock::now();
    for (Guarded* g : guarded)
      if (g->deadline <= now && g->socket.is_open()) {
        g->timed_out = true;
        beast::error_code ignored;
        g->socket.close(ignored);
      }
  }
}

}  // namespace sessdemo::loadgen
