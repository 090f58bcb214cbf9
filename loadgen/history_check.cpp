#include "loadgen/history_check.hpp"

#include <stdexcept>

#include "common/printable.hpp"

#include "loadgen/page_judge.hpp"

#include <charconv>
#include <cstdio>
#include <unordered_map>

namespace sessdemo::loadgen {

namespace {
std::string seconds(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
  return buf;
}

}  // namespace

void HistoryChecker::anomaly(std::string kind, std::string text) {
  v_.anomalies_total++;
  if (v_.anomalies.size() < 10) v_.anomalies.push_back({std::move(kind), std::move(text)});
}

std::optional<std::uint64_t> HistoryChecker::seq_of(Key& k, const std::string& key,
                                                    const std::string& value, bool writing) {
  auto n = parse_name(value);
  if (!n) return std::nullopt;
  if (writing && k.tag.empty()) {
    k.tag = n->run_tag;
    k.client = n->client;
  }
  if (n->run_tag != k.tag || n->client != k.client || "c" + std::to_string(n->client) != key)
    return std::nullopt;
  return n->seq;
}

void HistoryChecker::add(const HistoryOp& op) {
  v_.events++;
  if (op.process < 0) {
    v_.faults.push_back(seconds(op.time) + " " + op.f + " " +
                        (op.value_kind == HistoryOp::Value::text ? op.text : std::string()));
    return;
  }
  // A history that is not well formed is no evidence of anything: refused, never judged (an
  // invoke over an open operation would hide the read it replaces).
  if (op.type != "invoke" && op.type != "ok" && op.type != "fail" && op.type != "info")
    throw std::runtime_error("not a well-formed history: an operation of type '" + printable(op.type, 40) + "'");
  if (op.f == "add" && (op.number < 0 || op.number > max_add))
    throw std::runtime_error("not a well-formed history: an add of " + std::to_string(op.number) +
                             " (adds are 0 to " + std::to_string(max_add) + ")");
  if (op.type == "invoke") {
    if (open_.count(op.process))
      throw std::runtime_error("not a well-formed history: process " + std::to_string(op.process) + " invokes " +
                               printable(op.f, 40) + " at " + seconds(op.time) +
                               " while its last operation is open (a process does one thing at a time)");
    Key& k = keys_[op.key];
    Open o;
    o.invoke = op;
    o.acked_at_invoke = k.acked;
    o.logged_out_at_invoke = k.logged_out;
    if (op.f == "write" && op.value_kind == HistoryOp::Value::text)
      if (auto s = seq_of(k, op.key, op.text, true); s && *s > k.attempted) k.attempted = *s;
    if (op.f == "add") {
      saw_counter_ = true;
      k.has_adds = true;
      k.adds_possible += op.number;
    }
    if (op.f == "logout") saw_logout_ = true;
    open_[op.process] = std::move(o);
    return;
  }
  auto it = open_.find(op.process);
  if (it == open_.end())
    throw std::runtime_error("not a well-formed history: process " + std::to_string(op.process) + " completes (" +
                             op.type + " " + printable(op.f, 40) + " at " + seconds(op.time) +
                             ") an operation it never invoked");
  if (it->second.invoke.f != op.f || it->second.invoke.key != op.key)
    throw std::runtime_error("not a well-formed history: process " + std::to_string(op.process) + " completes " +
                             printable(op.f, 40) + " of " + printable(op.key, 80) + " at " + seconds(op.time) +
                             " but invoked " + printable(it->second.invoke.f, 40) + " of " +
                             printable(it->second.invoke.key, 80));
  Open open = std::move(it->second);
  open_.erase(it);
  complete(open, op);
}

void HistoryChecker::complete(Open& open, const HistoryOp& done) {
  v_.operations++;
  if (done.type == "ok") v_.ok++;
  else if (done.type == "fail") v_.failed++;
  else v_.unknown++;
  auto& c = v_.report.total.counters;
  c.requests++;
  if (done.type != "ok") {
    c.errors++;
    c.error_kinds[static_cast<std::size_t>(done.type == "fail" ? ErrorKind::http_4xx : ErrorKind::http_5xx)]++;
  }
  const HistoryOp& inv = open.invoke;
  Key& k = keys_[inv.key];
  const std::string& f = inv.f;
  if (f == "write" && done.type == "ok" && inv.value_kind == HistoryOp::Value::text) {
    if (auto s = seq_of(k, inv.key, inv.text, true); s && *s > k.acked) k.acked = *s;
    k.last_acked = Write{inv.text, inv.time, done.time, done.instance};
    k.logged_out = false;
  } else if (f == "read" && done.type == "ok") {
    judge_read(k, open, done);
  } else if (f == "logout" && done.type == "ok") {
    k.logged_out = true;
    k.logout = Write{"", inv.time, done.time, done.instance};
  } else if (f == "add") {
    if (done.type == "ok") k.adds_acked += inv.number;
    if (done.type == "fail") k.adds_possible -= inv.number;  // certainly did not happen
  } else if (f == "read-counter" && done.type == "ok" && done.value_kind == HistoryOp::Value::number) {
    k.final_read = done.number;
    k.final_time = done.time;
    k.final_instance = done.instance;
  }
}

void HistoryChecker::judge_read(Key& k, const Open& open, const HistoryOp& done) {
  auto& c = v_.report.total.counters;
  const HistoryOp& inv = open.invoke;
  std::string where = "the read of " + inv.key + " invoked at " + seconds(inv.time) + ", answered at " +
                      seconds(done.time) + " by " + (done.instance.empty() ? "?" : done.instance);
  std::string proof;
  if (k.last_acked)
    proof = k.last_acked->value + " was acknowledged at " + seconds(k.last_acked->completed) + " (invoked at " +
            seconds(k.last_acked->invoked) + ", answered by " + k.last_acked->instance + ")";
  const bool shown = done.value_kind == HistoryOp::Value::text;
  if (open.logged_out_at_invoke) {
    std::string logout = k.logout ? "the logout acknowledged at " + seconds(k.logout->completed) + " by " +
                                        k.logout->instance
                                  : std::string("an acknowledged logout");
    if (!shown) {
      c.hits++;  // the logout held
      return;
    }
    auto s = seq_of(k, inv.key, done.text, false);
    if (s && *s <= k.attempted) {
      c.resurrected++;
      anomaly("resurrected", where + " showed " + done.text + " after " + logout);
    } else {
      c.foreign++;
      anomaly("foreign", where + " showed " + done.text + ", which " + inv.key + " never wrote");
    }
    return;
  }
  if (!shown) {
    c.misses++;
    anomaly("miss", where + " showed no name" + (proof.empty() ? std::string() : ", but " + proof));
    return;
  }
  auto s = seq_of(k, inv.key, done.text, false);
  if (!s || *s > k.attempted) {
    c.foreign++;
    anomaly("foreign", where + " showed " + done.text + ", which " + inv.key + " never wrote");
  } else if (*s < open.acked_at_invoke) {
    c.stale++;
    anomaly("stale", where + " showed " + done.text + ", but " + proof);
  } else {
    c.hits++;
  }
}

HistoryVerdict HistoryChecker::finish() {
  // Operations never completed: their outcome is unknown (as Jepsen takes them).
  for (auto& [p, open] : open_) {
    (void)p;
    v_.operations++;
    v_.unknown++;
  }
  open_.clear();
  v_.scenario = saw_counter_ && !saw_logout_ ? Scenario::counter : saw_logout_ ? Scenario::logout : Scenario::visit;
  auto& k = v_.report.counter;
  for (auto& [name, key] : keys_) {
    if (!key.has_adds || v_.scenario != Scenario::counter) continue;
    if (!key.final_read) {
      k.unverified++;
      continue;
    }
    k.clients_checked++;
    k.acknowledged += key.adds_acked;
    k.final_total += *key.final_read;
    std::int64_t lost = std::max<std::int64_t>(0, key.adds_acked - *key.final_read);
    std::int64_t phantom = std::max<std::int64_t>(0, *key.final_read - key.adds_possible);
    k.lost_updates += lost;
    k.phantom_updates += phantom;
    if (lost)
      anomaly("lost", name + ": " + std::to_string(key.adds_acked) + " adds acknowledged, the final read at " +
                          seconds(key.final_time) + " (" + key.final_instance + ") showed " +
                          std::to_string(*key.final_read) + ": " + std::to_string(lost) + " lost");
    if (phantom)
      anomaly("phantom", name + ": the final read showed " + std::to_string(*key.final_read) + ", more than the " +
                             std::to_string(key.adds_possible) + " adds that may have happened");
  }
  v_.keys = keys_.size();
  return std::move(v_);
}

}  // namespace sessdemo::loadgen
