// Which client goes next on a load worker: each client holds tickets (requests it may have in
// flight); a ticket waits at the instance the balancer picked until a connection takes it, then
// comes back here to be rescheduled: at once, after a think time, or at the open model's next
// tick. The pacer makes those ticks; what no client is free for waits in a backlog or is dropped.
#include "loadgen/run/worker_impl.hpp"

#include <cmath>

namespace sessdemo::loadgen {

Worker::Impl::Impl(WorkerPlan p)
    : plan(std::move(p)), opts(*plan.opts), logic(*plan.logic), guard(ioc.get_executor()),
      rng(plan.first_client + 1), think_timer(ioc), budget_left(plan.budget), recorder(plan.ids) {
  for (const auto& t : plan.targets) {
    Target target;
    target.info = t;
    target.endpoint = tcp::endpoint(net::ip::make_address(t.address), t.port);
    targets.push_back(std::move(target));
  }
  if (std::any_of(plan.targets.begin(), plan.targets.end(), [](const auto& t) { return t.tls; }))
    tls_context.emplace(make_tls_context(opts));
  clients.resize(plan.client_count);
  for (auto& c : clients) c.step = logic.first_step();
}

std::size_t Worker::Impl::pick(std::uint32_t idx) {
  Client& c = clients[idx];
  std::size_t i = pick_instance(opts.balance, global_id(idx), c.sent, targets.size(), rng);
  auto now = Clock::now();
  for (std::size_t k = 0; k < targets.size(); ++k) {
    std::size_t j = (i + k) % targets.size();
    if (targets[j].down_until <= now) return j;
  }
  return i;
}

void Worker::Impl::enqueue(std::uint32_t idx, Clock::time_point ready) {
  Target& t = targets[pick(idx)];
  t.ready.push_back({idx, ready});
  if (!t.waiters.empty()) {
    Waiter* w = t.waiters.back();
    t.waiters.pop_back();
    w->timer.cancel();
  }
}

void Worker::Impl::start_tickets() {
  unsigned per_client = opts.scenario == Scenario::counter ? std::max(1u, opts.inflight) : 1u;
  holds_ticket.assign(clients.size(), 0);
  if (plan.rate > 0) {
    for (std::uint32_t i = 0; i < clients.size(); ++i) idle.push_back(i);
    net::co_spawn(ioc, pacer(), net::detached);
    return;
  }
  // The counter scenario sets up each session with one request, then adds the other tickets.
  // With --stages the clients join as the level rises (the ramper), none at first.
  extra_tickets = per_client - 1;
  if (staged_closed()) net::co_spawn(ioc, ramper(), net::detached);
  else ramp_to(static_cast<std::uint32_t>(clients.size()));
}

void Worker::Impl::ramp_to(std::uint32_t want) {
  want = std::min<std::uint32_t>(want, static_cast<std::uint32_t>(clients.size()));
  auto now = Clock::now();
  for (std::uint32_t i = active; i < want; ++i) {
    if (holds_ticket[i]) continue;  // told to stop, and not yet stopped: it just goes on
    holds_ticket[i] = 1;
    outstanding++;
    clients[i].tickets = 1;
    enqueue(i, now);
  }
  active = want;
  active_now.store(want, std::memory_order_relaxed);
}

std::uint32_t Worker::Impl::active_at(Clock::time_point t) const {
  double s = std::chrono::duration<double>(t - plan.load_start).count();
  double want = std::round(plan.shape.level_at(s) * plan.share);
  return static_cast<std::uint32_t>(std::clamp(want, 0.0, static_cast<double>(clients.size())));
}

// Closed model with --stages: every 10 ms the active clients follow the level (fine enough: a
// ramp of 1000 clients a second moves 10 at a time).
net::awaitable<void> Worker::Impl::ramper() {
  net::steady_timer timer(ioc);
  while (!stopping && !finished) {
    ramp_to(active_at(Clock::now()));
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(use_tuple);
  }
}

void Worker::Impl::reschedule(std::uint32_t idx, Step was) {
  Client& c = clients[idx];
  if (final_phase) {
    outstanding--;
    check_done();
    return;
  }
  if (stopping || budget_spent()) {
    outstanding--;
    check_done();
    return;
  }
  auto now = Clock::now();
  if (ScenarioLogic::continues(c)) {  // a redirect or a login form: at once, on the same ticket
    enqueue(idx, now);
    return;
  }
  if (opts.scenario == Scenario::logout) {
    // As many tickets as the client wants in flight: this one retires or goes on, more join.
    unsigned want = logic.tickets_wanted(c);
    if (c.tickets > want) {
      c.tickets--;
      outstanding--;
      check_done();
      return;
    }
    for (; c.tickets < want; ++c.tickets) {
      outstanding++;
      enqueue(idx, now);
    }
    enqueue(idx, now);
    return;
  }
  if (was == Step::counter_setup && c.step == Step::increment) {
    for (unsigned k = 0; k < extra_tickets; ++k) {
      outstanding++;
      enqueue(idx, now);
    }
  }
  if (plan.rate > 0) {
    outstanding--;
    if (!backlog.empty()) {
      auto when = backlog.front();
      backlog.pop_front();
      outstanding++;
      count_sent(when);
      enqueue(idx, when);
    } else {
      idle.push_back(idx);
      note_busy();
    }
    return;
  }
  if (idx >= active) {  // --stages ramped the clients down: this one parks until they rise
    holds_ticket[idx] = 0;
    outstanding--;
    return;
  }
  if (opts.think.any()) {
    auto until = now + opts.think.sample(rng);
    bool sooner = thinking.empty() || until < thinking.top().first;
    thinking.emplace(until, idx);
    if (sooner) think_timer.cancel();
    return;
  }
  enqueue(idx, now);
}

void Worker::Impl::check_done() {
  if (outstanding != 0) return;
  if (opts.scenario == Scenario::counter && !final_phase) {
    final_phase = true;
    auto now = Clock::now();
    for (std::uint32_t i = 0; i < clients.size(); ++i) {
      if (clients[i].jar.empty()) continue;
      clients[i].step = Step::final_read;
      outstanding++;
      enqueue(i, now);
    }
    if (outstanding != 0) return;
  }
  finished = true;
  think_timer.cancel();
  for (auto& t : targets)
    for (Waiter* w : t.waiters) w->timer.cancel();
}

void Worker::Impl::begin_stop() {
  if (stopping) return;
  stopping = true;
  // Queued tickets that never went out are dropped; the wire drains by itself.
  for (auto& t : targets) {
    outstanding -= t.ready.size();
    t.ready.clear();
  }
  outstanding -= thinking.size();
  thinking = {};
  check_done();
}

net::awaitable<void> Worker::Impl::thinker() {
  while (!finished) {
    if (thinking.empty()) think_timer.expires_at(Clock::time_point::max());
    else think_timer.expires_at(thinking.top().first);
    co_await think_timer.async_wait(use_tuple);
    auto now = Clock::now();
    while (!thinking.empty() && thinking.top().first <= now) {
      auto idx = thinking.top().second;
      thinking.pop();
      enqueue(idx, now);
    }
  }
}

// Tick k is due when the shape's integral (this worker's part of it) reaches k, plus one with
// --stages so that a ramp from 0 does not send at time 0. A constant rate starts when the pacer
// does; stages start with the load, as the runner's intervals and target rate do.
net::awaitable<void> Worker::Impl::pacer() {
  const bool staged = !opts.stages.empty();
  const auto start = staged ? plan.load_start : Clock::now();
  const double offset = staged ? 1 : 0;
  auto due_at = [&](std::uint64_t tick) -> std::optional<Clock::time_point> {
    auto s = plan.shape.time_of_count((static_cast<double>(tick) + offset) / plan.share);
    if (!s) return std::nullopt;
    return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*s));
  };
  // The ticks due by t, as a count (tick k is due when this reaches k + offset).
  auto count_by = [&](Clock::time_point t) {
    return t <= start ? 0.0
                      : plan.shape.count_until(std::chrono::duration<double>(t - start).count()) * plan.share;
  };
  std::uint64_t tick = 0;
  net::steady_timer timer(ioc);
  for (auto intended = due_at(0); intended && !stopping && !budget_spent(); intended = due_at(tick)) {
    timer.expires_at(*intended);
    co_await timer.async_wait(use_tuple);
    auto now = Clock::now();
    // Every tick that is due goes out now, stamped with its own scheduled time.
    while (!stopping && intended && *intended <= now) {
      if (!idle.empty()) {
        auto idx = idle.front();
        idle.pop_front();
        outstanding++;
        count_sent(*intended);
        enqueue(idx, *intended);
      } else if (backlog.size() < max_backlog) {
        backlog.push_back(*intended);
      } else {
        // No client free and the backlog full: every tick due by now is dropped, counted at once
        // (never silently: counted, reported). One at a time, a rate beyond what this thread can
        // even count would never let the loop catch up with the clock, and the worker, never
        // yielding, could not be stopped.
        auto last_due = std::max<double>(static_cast<double>(tick), std::floor(count_by(now) - offset));
        auto first_measured = std::max(0.0, std::ceil(count_by(plan.measure_start) - offset));
        auto from = std::max(static_cast<double>(tick), first_measured);
        if (last_due >= from) dropped.fetch_add(static_cast<std::uint64_t>(last_due - from + 1), std::memory_order_relaxed);
        tick = static_cast<std::uint64_t>(last_due) + 1;
        break;
      }
      ++tick;
      intended = due_at(tick);
    }
    note_busy();
  }
}

void Worker::Impl::run() {
  start_tickets();
  if (opts.think.any()) net::co_spawn(ioc, thinker(), net::detached);
  net::co_spawn(ioc, watchdog(), net::detached);
  for (std::size_t i = 0; i < targets.size(); ++i)
    for (unsigned k = 0; k < plan.connections_per_target; ++k)
      net::co_spawn(ioc, connection(i), net::detached);
  ioc.run();
}

}  // namespace sessdemo::loadgen
