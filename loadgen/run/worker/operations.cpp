// A worker's operations: the invoke of each request that starts one and the completion of each
// that ends one, judged by the worker's own checker (its clients' keys are its own) and, with
// --history, pushed to the worker's buffer of the history.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "loadgen/history/history.hpp"
#include "loadgen/run/worker/impl.hpp"

namespace sessdemo::loadgen {

std::uint64_t Worker::Impl::process_of(std::uint32_t idx, std::uint32_t lane) const {
  return global_id(idx) + std::uint64_t{opts.clients} * lanes[idx].k[lane];
}

std::optional<Judged> Worker::Impl::take(HistoryEvent& e) {
  e.time_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - plan.measure_start)
          .count();
  std::optional<Judged> judged;
  if (checking) {
    try {
      judged = checker.add(e);
    } catch (const std::exception& ex) {
      // The tester's own operations not well formed: a bug of the tester, said, never judged.
      spdlog::error(
          "load: the checker refused an operation of the tester ({}): reads are no longer judged",
          ex.what());
      checking = false;
    }
  }
  if (plan.history) plan.history->push(e);
  return judged;
}

Worker::Impl::Operation Worker::Impl::history_invoke(std::uint32_t idx, Step step, bool measured) {
  Client& c = clients[idx];
  std::uint32_t id = global_id(idx);
  Operation op;
  if (lanes.empty()) lanes.resize(clients.size());
  auto& lane = lanes[idx];
  if (lane.k.empty()) {
    lane.k.push_back(0);
    lane.busy.push_back(false);
  }
  auto e = logic.history_start(id, c, step);
  if (!e) {
    // A redirect hop continues the open operation (or none). Any other request that starts
    // none is no operation: the logout scenario's increments run beside its logout.
    op.f = step == Step::follow ? c.hist_open : OpF::none;
    op.process = process_of(idx, 0);
    return op;
  }
  if (e->f == OpF::add) {
    // Concurrent adds of one client are processes of their own, one per lane.
    op.slot = static_cast<std::uint32_t>(std::find(lane.busy.begin(), lane.busy.end(), false) -
                                         lane.busy.begin());
    if (op.slot == lane.busy.size()) {
      lane.busy.push_back(false);
      lane.k.push_back(++lane.max_k);
    }
    lane.busy[op.slot] = true;
  }
  op.f = e->f;
  op.process = process_of(idx, op.slot);
  e->process = op.process;
  e->warmup = !measured && !final_phase;
  op.warmup = e->warmup;
  take(*e);
  return op;
}

std::optional<Judged> Worker::Impl::history_complete(std::uint32_t idx, const Operation& op,
                                                     const Answer& a, const Outcome& o, bool sent,
                                                     const std::string& instance) {
  Client& c = clients[idx];
  auto e = logic.history_end(global_id(idx), c, op.f, a, o, sent);
  if (!e) return std::nullopt;
  auto& lane = lanes[idx];
  if (op.f == OpF::add) lane.busy[op.slot] = false;
  e->process = op.process;
  e->client = global_id(idx);
  e->warmup = op.warmup;
  if (op.f == OpF::write) {
    e->value_kind = HistoryEvent::Value::text;
    e->text.assign(make_name(logic.run_tag(), e->client, c.writes.attempted));
  }
  e->instance.assign(instance);
  // After an operation of unknown outcome the lane goes on as a new process (Jepsen's rule: the
  // old one may still be doing it).
  if (e->type == OpType::info) lane.k[op.slot] = ++lane.max_k;
  return take(*e);
}

}  // namespace sessdemo::loadgen
