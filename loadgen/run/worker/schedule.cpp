// The load worker's side of scheduling: the timers that drive the Scheduler (the pacer's ticks,
// think times, the ramp), the balancer's pick of an instance for a released ticket (it waits
// there until a connection takes it), and the workloads' ticket policies: a redirect or login
// goes on at once, a counter adds tickets after its set-up and ends with a final read, a logout
// client keeps the number of tickets its scenario wants.
#include <cmath>

#include "loadgen/run/worker/impl.hpp"

namespace sessdemo::loadgen {

Worker::Impl::Impl(WorkerPlan p)
    : plan(std::move(p)), opts(*plan.opts), logic(*plan.logic), guard(ioc.get_executor()),
      rng(plan.first_client + 1), think_timer(ioc), budget_left(plan.budget),
      scheduler(plan.client_count, plan.measure_start, plan.measure_end,
                [this](std::uint32_t idx, Clock::time_point ready) { enqueue(idx, ready); }),
      recorder(plan.ids) {
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
  if (plan.rate > 0) {
    scheduler.open_model();
    net::co_spawn(ioc, pacer(), net::detached);
    return;
  }
  // The counter scenario sets up each session with one request, then adds the other tickets.
  // With --stages the clients join as the level rises (the ramper), none at first.
  extra_tickets = per_client - 1;
  if (staged_closed())
    net::co_spawn(ioc, ramper(), net::detached);
  else
    ramp_to(static_cast<std::uint32_t>(clients.size()));
}

// A client that joins holds one ticket (its workload may add more).
void Worker::Impl::ramp_to(std::uint32_t want) {
  scheduler.ramp_to(want, Clock::now(), [this](std::uint32_t idx) { clients[idx].tickets = 1; });
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
  if (final_phase || stopping || budget_spent()) {
    scheduler.retire_ticket();
    check_done();
    return;
  }
  auto now = Clock::now();
  if (ScenarioLogic::continues(c)) {  // a redirect or a login form: at once, on the same ticket
    scheduler.again(idx, now);
    return;
  }
  if (opts.scenario == Scenario::logout) {
    // As many tickets as the client wants in flight: this one retires or goes on, more join.
    unsigned want = logic.tickets_wanted(c);
    if (c.tickets > want) {
      c.tickets--;
      scheduler.retire_ticket();
      check_done();
      return;
    }
    for (; c.tickets < want; ++c.tickets) scheduler.add_ticket(idx, now);
    scheduler.again(idx, now);
    return;
  }
  if (was == Step::counter_setup && c.step == Step::increment)
    for (unsigned k = 0; k < extra_tickets; ++k) scheduler.add_ticket(idx, now);
  if (plan.rate > 0) {
    scheduler.free_client(idx);
    return;
  }
  if (scheduler.parks(idx)) return;  // --stages ramped the clients down: it waits until they rise
  if (opts.think.any()) {
    if (scheduler.think(idx, now + opts.think.sample(rng))) think_timer.cancel();
    return;
  }
  scheduler.again(idx, now);
}

void Worker::Impl::check_done() {
  if (scheduler.outstanding() != 0) return;
  if (opts.scenario == Scenario::counter && !final_phase) {
    final_phase = true;
    auto now = Clock::now();
    for (std::uint32_t i = 0; i < clients.size(); ++i) {
      if (clients[i].jar.empty()) continue;
      clients[i].step = Step::final_read;
      scheduler.add_ticket(i, now);
    }
    if (scheduler.outstanding() != 0) return;
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
  std::uint64_t unsent = 0;
  for (auto& t : targets) {
    unsent += t.ready.size();
    t.ready.clear();
  }
  scheduler.drop(unsent);
  check_done();
}

net::awaitable<void> Worker::Impl::thinker() {
  while (!finished) {
    think_timer.expires_at(scheduler.next_wake().value_or(Clock::time_point::max()));
    co_await think_timer.async_wait(use_tuple);
    scheduler.wake(Clock::now());
  }
}

// A constant rate starts when the pacer does; stages start with the load, as the runner's
// intervals and target rate do. Every tick that is due goes out at once, stamped with its own
// scheduled time.
net::awaitable<void> Worker::Impl::pacer() {
  const bool staged = !opts.stages.empty();
  Pacer ticks(plan.shape, plan.share, staged ? plan.load_start : Clock::now(), staged ? 1 : 0,
              plan.measure_start);
  net::steady_timer timer(ioc);
  while (ticks.due() && !stopping && !budget_spent()) {
    timer.expires_at(*ticks.due());
    co_await timer.async_wait(use_tuple);
    auto now = Clock::now();
    while (!stopping && ticks.due() && *ticks.due() <= now) {
      if (!scheduler.tick(*ticks.due())) {  // no client free and the backlog full
        scheduler.count_dropped(ticks.drop_due_by(now));
        break;
      }
      ticks.take();
    }
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
