#pragma once
// One session's counter (scenario counter), for the one checker: adds of 1 whose outcome is
// `ok` (done between invoke and completion), `fail` (never done) or `info` (done at any later
// time, or never), and reads of the total. A read is legal when its value lies in the range the
// adds allow: at least every `ok` add completed before it plus the adds of unknown outcome an
// earlier read already showed, at most every add that may have happened by its completion.
// Below the range the difference is lost updates, above it phantom ones (one definition, for
// `load` and `check`).
#include <algorithm>
#include <cstdint>
#include <string>

namespace sessdemo::loadgen {

class CounterModel {
 public:
  void invoked_add(std::int64_t n) {
    open_ += n;
    added_ = true;
  }
  void completed_add(std::int64_t n, bool ok, bool unknown) {
    open_ -= n;
    if (ok)
      ok_ += n;
    else if (unknown)
      unknown_ += n;
  }
  struct Reading {
    std::int64_t low = 0, high = 0;  // the legal range
    std::int64_t lost = 0, phantom = 0;
  };
  // ok_at_invoke: the `ok` adds completed before the read was invoked.
  Reading read(std::int64_t value, std::int64_t ok_at_invoke) {
    Reading r;
    r.low = ok_at_invoke + taken_;
    r.high = ok_ + unknown_ + open_;
    if (value < r.low) r.lost = r.low - value;
    if (value > r.high) r.phantom = value - r.high;
    // The adds of unknown outcome this read shows beyond every `ok` one: they took effect, so
    // the next read must show them too.
    taken_ = std::clamp<std::int64_t>(value - ok_, 0, unknown_);
    last_ = value;
    read_ = true;
    return r;
  }
  std::int64_t acknowledged() const { return ok_; }
  std::int64_t possible() const { return ok_ + unknown_ + open_; }
  bool was_read() const { return read_; }
  std::int64_t last_read() const { return last_; }
  bool has_adds() const { return added_; }

 private:
  std::int64_t ok_ = 0, unknown_ = 0, open_ = 0;
  std::int64_t taken_ = 0;  // adds of unknown outcome the last read showed
  std::int64_t last_ = 0;
  bool read_ = false, added_ = false;
};

}  // namespace sessdemo::loadgen
