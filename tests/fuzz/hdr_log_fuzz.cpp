// The HDR log's histograms are read back by hdr_decode (merge's checks, tools of our own): text
// anyone may have edited. Beyond "no crash, no sanitizer report": a histogram decoded has its
// percentiles in order and none above its max, and encodes again to one that decodes the same.
#include "loadgen/stats/hdr_log.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;
using namespace sessdemo::loadgen;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto h = hdr_decode(fuzz::as_text(data, size));
  if (!h) return 0;
  if (h->count() == 0) return 0;
  auto p50 = h->percentile(50), p99 = h->percentile(99);
  FUZZ_CHECK(p50 <= p99 && p99 <= h->max());
  auto again = hdr_decode(hdr_encode(*h));
  FUZZ_CHECK(again && again->count() == h->count() && again->max() == h->max());
  return 0;
}
