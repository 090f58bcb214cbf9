#include "loadgen/report/history_check.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "common/printable.hpp"
#include "loadgen/history/history_fields.hpp"

namespace sessdemo::loadgen {

namespace {

OpType type_of(const std::string& t) {
  if (auto type = op_type_names.parse(t)) return *type;
  throw std::runtime_error("not a well-formed history: an operation of type '" + printable(t, 40) +
                           "'");
}

OpF f_of(const std::string& f) {
  auto x = op_f_names.parse(f);
  return x && *x != OpF::nemesis ? *x : OpF::none;  // anything else: no part of the model
}

void apply_reads(const CheckerFigures& f, Counters& c) {
  std::uint64_t* by_judgement[] = {&c.hits,    &c.misses,          &c.stale,      &c.monotonic,
                                   &c.foreign, &c.refused_applied, &c.resurrected};
  for (std::size_t i = 0; i < std::size(by_judgement); ++i) *by_judgement[i] = f.reads[i];
  c.crossed = f.crossed;
}
}  // namespace

void HistoryChecker::add(const HistoryOp& op) {
  v_.events++;
  if (op.process == history_field::nemesis_process) {
    v_.faults.push_back(time_text(op.time) + " " + op.f + " " +
                        (op.value_kind == HistoryOp::Value::text ? op.text : std::string()));
    return;
  }
  if (op.process == history_field::tester_process) {
    if (op.f == history_field::interrupted) v_.report.interrupted = true;
    return;
  }
  HistoryEvent e;
  e.time_ns = op.time;
  e.process = static_cast<std::uint64_t>(op.process);
  e.type = type_of(op.type);
  e.f = f_of(op.f);
  // The key: c<client>, as load writes it; any other spelling gets a number of its own.
  std::uint32_t client = 0;
  auto [p, ec] = std::from_chars(op.key.data() + std::min<std::size_t>(1, op.key.size()),
                                 op.key.data() + op.key.size(), client);
  if (op.key.size() < 2 || op.key[0] != 'c' || ec != std::errc{} ||
      p != op.key.data() + op.key.size() || client >= 0x80000000u) {
    auto [it, fresh] = other_keys_.try_emplace(
        op.key, 0x80000000u + static_cast<std::uint32_t>(other_keys_.size()));
    client = it->second;
  }
  e.client = client;
  if (op.value_kind == HistoryOp::Value::text) {
    e.value_kind = HistoryEvent::Value::text;
    e.text.assign(op.text);
  } else if (op.value_kind == HistoryOp::Value::number) {
    e.value_kind = HistoryEvent::Value::number;
    e.number = op.number;
  }
  e.instance.assign(op.instance);
  e.status = op.status;
  e.warmup = op.warmup;
  checker_.add(e);
}

HistoryVerdict HistoryChecker::finish() {
  const CheckerFigures& f = checker_.finish();
  v_.operations = f.operations;
  v_.ok = f.ok;
  v_.failed = f.failed;
  v_.unknown = f.unknown;
  v_.keys = checker_.keys();
  v_.scenario = f.saw_adds && !f.saw_logouts ? Scenario::counter
                : f.saw_logouts              ? Scenario::logout
                                             : Scenario::visit;
  auto& c = v_.report.total.counters;
  c.requests = f.operations;
  c.errors = f.failed + f.unknown;
  // What a failed operation was is not in a history: a refusal (fail) counts as a 4xx, an
  // unknown outcome as a 5xx.
  c.error_kinds[static_cast<std::size_t>(ErrorKind::http_4xx)] = f.failed;
  c.error_kinds[static_cast<std::size_t>(ErrorKind::http_5xx)] = f.unknown;
  apply_reads(f, c);
  v_.report.counter = f.counter;
  v_.report.late_writes = f.late_writes;
  v_.report.late = f.late;
  v_.report.anomalies_total = v_.anomalies_total = f.anomalies_total;
  v_.report.anomalies = v_.anomalies = f.anomalies;
  return std::move(v_);
}

}  // namespace sessdemo::loadgen
