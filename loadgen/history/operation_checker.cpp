#include "loadgen/history/operation_checker.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace sessdemo::loadgen {

namespace {
std::string by_whom(std::string_view instance) {
  return instance.empty() ? "?" : std::string(instance);
}
bool register_op(OpF f) {
  return f == OpF::write || f == OpF::read || f == OpF::logout;
}
// The anomaly as users know it.
const char* anomaly_kind(Judgement v) {
  switch (v) {
    case Judgement::miss:
    case Judgement::stale:
      return "read-your-writes";
    case Judgement::monotonic:
      return "monotonic reads";
    case Judgement::foreign:
      return "foreign";
    case Judgement::refused_applied:
      return "refused write applied";
    case Judgement::resurrected:
      return "resurrected";
    case Judgement::legal:
      break;
  }
  return "?";
}
}  // namespace

void CounterFigures::merge(const CounterFigures& o) {
  clients_checked += o.clients_checked;
  unverified += o.unverified;
  acknowledged += o.acknowledged;
  final_total += o.final_total;
  lost_updates += o.lost_updates;
  phantom_updates += o.phantom_updates;
  crossed += o.crossed;
}

void CheckerFigures::merge(const CheckerFigures& o) {
  operations += o.operations;
  ok += o.ok;
  failed += o.failed;
  unknown += o.unknown;
  for (std::size_t i = 0; i < std::size(reads); ++i) reads[i] += o.reads[i];
  crossed += o.crossed;
  late_writes += o.late_writes;
  counter.merge(o.counter);
  saw_adds = saw_adds || o.saw_adds;
  saw_logouts = saw_logouts || o.saw_logouts;
  anomalies_total += o.anomalies_total;
  for (const auto& a : o.anomalies)
    if (anomalies.size() < max_kept) anomalies.push_back(a);
  for (const auto& l : o.late)
    if (late.size() < max_kept) late.push_back(l);
}

OperationChecker::Key& OperationChecker::key(std::uint32_t client) {
  auto [it, fresh] = keys_.try_emplace(client);
  if (fresh) {
    it->second.client = client;
    it->second.tag = run_tag_;
  }
  return it->second;
}

bool OperationChecker::key_legal(std::uint32_t client) const {
  auto it = keys_.find(client);
  return it == keys_.end() || it->second.anomalies == 0;
}

void OperationChecker::anomaly(Key& k, const char* kind, std::string text, bool counted) {
  k.anomalies++;
  if (!counted) return;
  fig_.anomalies_total++;
  if (fig_.anomalies.size() < CheckerFigures::max_kept)
    fig_.anomalies.push_back({kind, std::move(text)});
}

// The sequence number of one of this key's names ("<tag>-c<client>-w<seq>"), or nothing for any
// other text. learn: a write of a key whose tag is not known yet gives it.
std::optional<std::uint32_t> OperationChecker::own_seq(Key& k, std::string_view name, bool learn) {
  auto w = name.rfind("-w");
  if (w == std::string_view::npos) return std::nullopt;
  auto c = name.rfind("-c", w);
  if (c == std::string_view::npos || c == 0) return std::nullopt;
  std::uint32_t client = 0, seq = 0;
  auto client_text = name.substr(c + 2, w - c - 2), seq_text = name.substr(w + 2);
  auto [p1, e1] =
      std::from_chars(client_text.data(), client_text.data() + client_text.size(), client);
  auto [p2, e2] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
  if (client_text.empty() || seq_text.empty() || e1 != std::errc{} || e2 != std::errc{} ||
      p1 != client_text.data() + client_text.size() || p2 != seq_text.data() + seq_text.size())
    return std::nullopt;
  if (learn && k.tag.empty()) k.tag = std::string(name.substr(0, c));
  if (client != k.client || name.substr(0, c) != k.tag) return std::nullopt;
  return seq;
}

std::optional<Judged> OperationChecker::add(const HistoryEvent& e) {
  if (e.f == OpF::nemesis) return std::nullopt;
  if (e.f == OpF::add && (e.number < 0 || e.number > max_add))
    throw std::runtime_error("not a well-formed history: an add of " + std::to_string(e.number) +
                             " (adds are 0 to " + std::to_string(max_add) + ")");
  if (e.type == OpType::invoke) {
    if (open_.count(e.process))
      throw std::runtime_error(
          "not a well-formed history: process " + std::to_string(e.process) + " invokes " +
          to_string(e.f) + " at " + time_text(e.time_ns) +
          " while its last operation is open (a process does one thing at a time)");
    if (retired_.count(e.process))
      throw std::runtime_error(
          "not a well-formed history: process " + std::to_string(e.process) + " invokes " +
          to_string(e.f) + " at " + time_text(e.time_ns) +
          " after an operation of unknown outcome (info); a client goes on as a new process");
    Key& k = key(e.client);
    if (register_op(e.f) && k.register_open++ > 0)
      throw std::runtime_error("not a well-formed history: c" + std::to_string(e.client) +
                               " has two " + "reads, writes or logouts open at " +
                               time_text(e.time_ns) +
                               " (the checker takes one register operation of a key at a time)");
    if (e.f == OpF::add) {
      fig_.saw_adds = true;
      k.counter.invoked_add(e.number);
    }
    if (e.f == OpF::logout) fig_.saw_logouts = true;
    if (e.f == OpF::write && e.value_kind == HistoryEvent::Value::text)
      own_seq(k, e.text.view(), true);  // a key whose tag is not known yet learns it here
    open_.emplace(e.process, Open{e, k.counter.acknowledged()});
    return std::nullopt;
  }
  auto it = open_.find(e.process);
  if (it == open_.end())
    throw std::runtime_error("not a well-formed history: process " + std::to_string(e.process) +
                             " completes (" + to_string(e.type) + " " + to_string(e.f) + " at " +
                             time_text(e.time_ns) + ") an operation it never invoked");
  if (it->second.invoke.f != e.f || it->second.invoke.client != e.client)
    throw std::runtime_error("not a well-formed history: process " + std::to_string(e.process) +
                             " completes " + to_string(e.f) + " of c" + std::to_string(e.client) +
                             " at " + time_text(e.time_ns) + " but invoked " +
                             to_string(it->second.invoke.f) + " of c" +
                             std::to_string(it->second.invoke.client));
  Open open = std::move(it->second);
  open_.erase(it);
  if (e.type == OpType::info) retired_.insert(e.process);
  return complete(open, e);
}

std::optional<Judged> OperationChecker::complete(const Open& open, const HistoryEvent& done) {
  const HistoryEvent& inv = open.invoke;
  const bool counted = !inv.warmup;
  if (counted) {
    fig_.operations++;
    (done.type == OpType::ok ? fig_.ok : done.type == OpType::fail ? fig_.failed : fig_.unknown)++;
  }
  Key& k = key(inv.client);
  if (register_op(inv.f)) k.register_open--;
  switch (inv.f) {
    case OpF::write:
    case OpF::logout:
      mutate(k, inv, done);
      return std::nullopt;
    case OpF::read: {
      if (done.type != OpType::ok) return std::nullopt;  // a read that failed shows nothing
      Judged j;
      j.judgement = judge_read(k, inv, done);
      j.crossed = !k.acked_by.empty() && k.acked_by != done.instance.view();
      if (counted) {
        fig_.reads[static_cast<std::size_t>(j.judgement)]++;
        fig_.crossed += j.crossed;
      }
      return j;
    }
    case OpF::add:
      k.counter.completed_add(inv.number, done.type == OpType::ok, done.type == OpType::info);
      if (done.type == OpType::ok) k.acked_by.assign(done.instance.view());
      return std::nullopt;
    case OpF::read_counter:
      if (done.type == OpType::ok && done.value_kind == HistoryEvent::Value::number)
        judge_counter(k, open, done);
      return std::nullopt;
    default:
      return std::nullopt;  // a login, or anything else: no part of the model
  }
}

// A write (a name) or a logout (none), as its completion says it went.
void OperationChecker::mutate(Key& k, const HistoryEvent& inv, const HistoryEvent& done) {
  RegisterModel::Mutation m;
  m.present = inv.f == OpF::write;
  if (m.present) {
    auto seq = inv.value_kind == HistoryEvent::Value::text ? own_seq(k, inv.text.view(), true)
                                                           : std::nullopt;
    if (!seq) return;  // a write of no name of this key: nothing a read can be judged against
    m.seq = *seq;
    m.name = inv.text.view();
  }
  m.invoked = inv.time_ns;
  m.completed = done.time_ns;
  m.instance = done.instance.view();
  if (done.type == OpType::ok) {
    k.reg.ok(m);
    k.acked_by.assign(done.instance.view());
  } else if (done.type == OpType::info) {
    k.reg.info(m);
  } else {
    k.reg.fail(m);
  }
}

Judgement OperationChecker::judge_read(Key& k, const HistoryEvent& inv, const HistoryEvent& done) {
  RegisterModel::Shown shown;
  if (done.value_kind == HistoryEvent::Value::text) {
    shown.text = done.text.view();
    auto seq = own_seq(k, shown.text, false);
    shown.what = seq ? RegisterModel::Shown::What::own : RegisterModel::Shown::What::other;
    shown.seq = seq.value_or(0);
  }
  auto r = k.reg.read(shown,
                      RegisterModel::At{k.client, inv.time_ns, done.time_ns, done.instance.view()});
  const bool counted = !inv.warmup;
  if (r.late && counted) {
    fig_.late_writes++;
    if (fig_.late.size() < CheckerFigures::max_kept) fig_.late.push_back(std::move(r.late_proof));
  }
  if (r.judgement != Judgement::legal)
    anomaly(k, anomaly_kind(r.judgement), std::move(r.proof), counted);
  return r.judgement;
}

void OperationChecker::judge_counter(Key& k, const Open& open, const HistoryEvent& done) {
  const HistoryEvent& inv = open.invoke;
  auto r = k.counter.read(done.number, open.adds_ok_at_invoke);
  const bool counted = !inv.warmup;
  const bool crossed = !k.acked_by.empty() && k.acked_by != done.instance.view();
  if (counted) {
    fig_.counter.lost_updates += r.lost;
    fig_.counter.phantom_updates += r.phantom;
    fig_.counter.crossed += crossed;
  }
  std::string where = "c" + std::to_string(k.client) + ": the read invoked at " +
                      time_text(inv.time_ns) + ", answered at " + time_text(done.time_ns) + " by " +
                      by_whom(done.instance.view()) + " showed " + std::to_string(done.number) +
                      ", ";
  if (r.lost)
    anomaly(k, "lost",
            where + "but " + std::to_string(r.low) +
                " adds had certainly happened (acknowledged, or shown by an earlier read): " +
                std::to_string(r.lost) + " lost",
            counted);
  if (r.phantom)
    anomaly(k, "phantom",
            where + "more than the " + std::to_string(r.high) + " adds that may have happened",
            counted);
}

const CheckerFigures& OperationChecker::finish() {
  if (finished_) return fig_;
  finished_ = true;
  // Operations never completed: their outcome is unknown (as Jepsen takes them).
  for (const auto& [process, open] : open_) {
    (void)process;
    if (open.invoke.warmup) continue;
    fig_.operations++;
    fig_.unknown++;
  }
  open_.clear();
  for (const auto& [client, key] : keys_) {
    (void)client;
    const Key* k = &key;
    if (!k->counter.has_adds()) continue;
    if (!k->counter.was_read()) {
      fig_.counter.unverified++;
      continue;
    }
    fig_.counter.clients_checked++;
    fig_.counter.acknowledged += k->counter.acknowledged();
    fig_.counter.final_total += k->counter.last_read();
  }
  return fig_;
}

}  // namespace sessdemo::loadgen
