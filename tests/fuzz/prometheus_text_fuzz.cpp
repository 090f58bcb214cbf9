// The demo reads each instance's /metrics page with parse_prometheus_text: bytes another
// process wrote. Beyond "no crash, no sanitizer report": every sample read back is written again
// by the one writer and read back the same (name, labels, value), and a page of well-formed
// lines never loses one.
#include <cmath>

#include "common/prometheus_text.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto samples = parse_prometheus_text(fuzz::as_text(data, size));
  PrometheusText again;
  for (const auto& s : samples) {
    // The writer takes names it is given; a name with a space or a brace would not be one.
    if (s.name.find_first_of(" {\n\r") != std::string::npos) return 0;
    for (const auto& [k, v] : s.labels)
      if (k.find_first_of("=\"{},\n\r") != std::string::npos || k.find(' ') != std::string::npos)
        return 0;
    again.sample(s.name, s.labels, s.value);
  }
  auto back = parse_prometheus_text(again.text());
  FUZZ_CHECK(back.size() == samples.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    FUZZ_CHECK(back[i].name == samples[i].name && back[i].labels == samples[i].labels);
    FUZZ_CHECK(back[i].value == samples[i].value ||
               (std::isnan(back[i].value) && std::isnan(samples[i].value)));
  }
  return 0;
}
