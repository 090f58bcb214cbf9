#include "loadgen/recorder.hpp"

#include <utility>

namespace sessdemo::loadgen {

void Recorder::record(Slot& slot, const std::string& key, std::uint16_t target, Kind kind, const Outcome& o,
                      int status, std::int64_t us, std::int64_t service_us, bool late) {
  if (slot.key != key || slot.generation != generation_ || !slot.total) {
    slot.key = key;
    slot.total = &totals_.at(key);
    slot.interval = &interval_.at(key);
    slot.generation = generation_;
  }
  for (InstanceStats* s : {slot.total, slot.interval}) {
    s->counters.requests++;
    if (o.error) {
      s->counters.errors++;
      if (status >= 500) s->counters.status_5xx++;
    }
    if (late) s->counters.late++;
    if (o.verdict) {
      switch (*o.verdict) {
        case Verdict::hit: s->counters.hits++; break;
        case Verdict::miss: s->counters.misses++; break;
        case Verdict::stale: s->counters.stale++; break;
        case Verdict::foreign: s->counters.foreign++; break;
      }
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
