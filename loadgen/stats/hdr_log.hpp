#pragma once
// Latency histograms in HdrHistogram's interval log format (text; each histogram in its V2
// encoding, deflated and base64-encoded), so HdrHistogram's own tools can read and plot them.
// Values are microseconds: give HdrHistogram's tools an output value unit ratio of 1000 to
// read them as milliseconds.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/stats/histogram.hpp"

namespace sessdemo::loadgen {

// One histogram as the log holds it: V2-encoded, zlib-compressed, base64.
std::string hdr_encode(const Histogram& h);
// The inverse, for checks and for tools of our own; nothing for text that is not such a
// histogram (or one with another layout than ours).
std::optional<Histogram> hdr_decode(std::string_view base64);

class HdrLogWriter {
 public:
  explicit HdrLogWriter(std::FILE* out) : out_(out) {}
  // The header: format version, start time (seconds since the epoch), column names.
  void header(double start_epoch_s);
  // One interval: its start (seconds after the start time), length, max (in ms) and histogram.
  void interval(double start_s, double length_s, const Histogram& h);

 private:
  std::FILE* out_;
};

}  // namespace sessdemo::loadgen
