// Durations (--duration 1m30s) and endpoint lists (--instances, --memcached): every flag value
// a person or a script types.
#include "common/duration.hpp"
#include "common/endpoint.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  if (auto d = parse_duration(text)) {
    FUZZ_CHECK(d->count() >= 0);
    // Printed as it is shown to a person, it parses back to the same duration.
    auto shown = format_duration(*d);
    auto back = parse_duration(shown);
    FUZZ_CHECK(back && *back == *d);
  }
  for (bool allow_url : {false, true}) {
    auto parsed = parse_endpoints(text, allow_url);
    if (auto* list = std::get_if<std::vector<Endpoint>>(&parsed)) {
      FUZZ_CHECK(!list->empty());
      for (const auto& ep : *list) {
        FUZZ_CHECK(!ep.host.empty());
        auto again = parse_endpoints(ep.to_string(), false);
        auto* one = std::get_if<std::vector<Endpoint>>(&again);
        // The scheme is not part of HOST:PORT.
        FUZZ_CHECK(one && one->size() == 1 && (*one)[0].host == ep.host &&
                   (*one)[0].port == ep.port);
      }
    } else {
      FUZZ_CHECK(!std::get<std::string>(parsed).empty());  // a reason for the person
    }
  }
  return 0;
}
