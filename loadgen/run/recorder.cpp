#include "loadgen/run/recorder.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace sessdemo::loadgen {

bool InstanceIdBudget::admit(const std::string& id) {
  std::lock_guard lock(mutex_);
  if (kept_.count(id)) return true;
  if (kept_.size() >= max_) {
    // Said once for the run, whichever thread meets the first id past the cap.
    if (!warned_) {
      warned_ = true;
      spdlog::warn("more than {} distinct X-Instance-Id values: the rest are counted under '{}'",
                   max_, Recorder::overflow_key);
    }
    return false;
  }
  kept_.insert(id);
  return true;
}

std::string clean_instance_id(std::string_view raw) {
  std::string out;
  for (unsigned char c : raw.substr(0, 64)) {
    if (c > 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (out.empty() || out == "all" || out == Recorder::overflow_key || out == "total")
    out = "id:" + out;
  return out;
}

Recorder::Recorder(InstanceIdBudget* ids) : ids_(ids ? ids : &own_ids_) {}

void Recorder::record(Slot& slot, const std::string& key, std::uint16_t target, Kind kind,
                      const Outcome& o, int status, std::int64_t us, std::int64_t service_us,
                      bool late, std::int64_t connect_us, std::int64_t tls_us) {
  if (slot.key != key || slot.generation != generation_ || !slot.total) {
    const std::string* use = &key;
    static const std::string overflow(overflow_key);
    if (!totals_.instances.count(key) && !ids_->admit(key)) use = &overflow;
    slot.key = key;
    slot.total = &totals_.at(*use);
    slot.interval = &interval_.at(*use);
    slot.generation = generation_;
  }
  for (InstanceStats* s : {slot.total, slot.interval}) {
    s->counters.requests++;
    if (o.error) {
      s->counters.errors++;
      if (status >= 500) s->counters.status_5xx++;
      s->counters.error_kinds[static_cast<std::size_t>(o.error_kind)]++;
    }
    if (late) s->counters.late++;
    if (o.refusal == Outcome::Refusal::crossed) s->counters.refused_crossed++;
    if (o.refusal == Outcome::Refusal::same) s->counters.refused_same++;
    if (o.retried) s->counters.retries++;
    if (connect_us >= 0) s->counters.connects.add(connect_us);
    if (tls_us >= 0) s->counters.handshakes.add(tls_us);
    if (o.judged) {
      auto& c = s->counters;
      std::uint64_t* by_judgement[] = {&c.hits,    &c.misses,          &c.stale,      &c.monotonic,
                                       &c.foreign, &c.refused_applied, &c.resurrected};
      ++*by_judgement[static_cast<std::size_t>(o.judged->judgement)];
      c.crossed += o.judged->crossed;
    }
    s->latency.record(us);
    s->service.record(service_us);
    s->by_kind[static_cast<std::size_t>(kind)].record(us);
    s->note_address(target);
  }
}

StatsTable Recorder::take_interval() {
  generation_++;
  return std::exchange(interval_, StatsTable{});
}

}  // namespace sessdemo::loadgen
