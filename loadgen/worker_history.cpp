// A worker's part of `load --history`: the invoke of each request that starts an operation and
// the completion of each that ends one, pushed to the worker's own buffer.
#include <algorithm>

#include "loadgen/history.hpp"
#include "loadgen/worker_impl.hpp"

namespace sessdemo::loadgen {

Worker::Impl::HistoryOp Worker::Impl::history_invoke(std::uint32_t idx, Step step, bool measured) {
  Client& c = clients[idx];
  std::uint32_t id = global_id(idx);
  HistoryOp op;
  bool in_window = measured || step == Step::final_read || step == Step::done;
  auto e = logic.history_start(id, c, step);
  if (!e) {
    // A redirect hop continues the open operation (written, or none). Any other request that
    // starts none is no operation: the logout scenario's increments run beside its logout.
    op.f = step == Step::follow ? c.hist_open : OpF::none;
    op.process = id;
    return op;
  }
  if (!in_window) {
    if (e->f != OpF::add) c.hist_open = OpF::none;  // not written, so not open either
    return op;
  }
  if (e->f == OpF::add || e->f == OpF::read_counter) {
    // The counter's increments before the measured start are not in the history, but the final
    // read counts them: written once, at the client's first operation, as one add of what was
    // acknowledged then (ok) and one of what was not (info, outcome unknown).
    if (!c.hist_carried) {
      c.hist_carried = true;
      auto carry = [&](std::int64_t n, OpType end) {
        if (n <= 0) return;
        HistoryEvent w = *e;
        w.f = OpF::add;
        w.value_kind = HistoryEvent::Value::number;
        w.number = n;
        w.process = id;
        plan.history->push(w);
        w.type = end;
        plan.history->push(w);
      };
      carry(c.acked_increments, OpType::ok);
      carry(c.sent_increments - (e->f == OpF::add ? 1 : 0) - c.acked_increments, OpType::info);
    }
  }
  if (e->f == OpF::add) {
    if (hist_busy.empty()) hist_busy.resize(clients.size());
    auto& busy = hist_busy[idx];
    op.slot = static_cast<std::uint32_t>(std::find(busy.begin(), busy.end(), false) - busy.begin());
    if (op.slot == busy.size()) busy.push_back(false);
    busy[op.slot] = true;
  }
  op.f = e->f;
  op.process = id + opts.clients * op.slot;
  e->process = op.process;
  plan.history->push(*e);
  return op;
}

void Worker::Impl::history_complete(std::uint32_t idx, const HistoryOp& op, const Answer& a,
                                    const Outcome& o, bool sent, const std::string& instance) {
  Client& c = clients[idx];
  auto e = logic.history_end(c, op.f, a, o, sent);
  if (!e) return;
  if (op.f == OpF::add) hist_busy[idx][op.slot] = false;
  e->process = op.process;
  e->client = global_id(idx);
  if (op.f == OpF::write) {
    e->value_kind = HistoryEvent::Value::text;
    e->text.assign(make_name(logic.run_tag(), e->client, c.writes.attempted));
  }
  e->instance.assign(instance);
  plan.history->push(*e);
}

}  // namespace sessdemo::loadgen
