// A journey file is typed by a person (loadgen/journey/journey_yaml.cpp): any bytes read by
// yaml-cpp and the journey's reader give a journey or one line saying why not, never a crash;
// a journey read has steps, its loop starts at a step that exists, and every template it holds
// writes values its own matcher reads back.
#include "loadgen/journey/journey.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;
using namespace sessdemo::loadgen;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size > 16384) return 0;
  auto parsed = parse_journey(fuzz::as_text(data, size), "fuzz.yaml");
  if (auto* why = std::get_if<std::string>(&parsed)) {
    FUZZ_CHECK(why->rfind("fuzz.yaml:", 0) == 0 && why->find('\n') == std::string::npos);
    return 0;
  }
  const Journey& j = std::get<Journey>(parsed);
  FUZZ_CHECK(!j.steps.empty() && j.loop_start < j.steps.size());
  ValueMatcher m(j.value, "rfuzz01");
  auto p = m.parse(j.value.make("rfuzz01", 1234, 56));
  FUZZ_CHECK(p && p->client == 1234 && p->seq == 56);
  return 0;
}
