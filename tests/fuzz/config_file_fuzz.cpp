// The config file reader (--config FILE): keys, sections, comments, quoting, line numbers.
#include "cli/config_file.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  auto parsed = cli::parse_config(text);
  if (auto* entries = std::get_if<std::vector<cli::ConfigEntry>>(&parsed)) {
    int last = 0;
    for (const auto& e : *entries) {
      FUZZ_CHECK(!e.key.empty());
      FUZZ_CHECK(e.line > last);  // one entry per line, in order
      last = e.line;
    }
  } else {
    FUZZ_CHECK(std::get<std::string>(parsed).rfind("line ", 0) == 0);
  }
  return 0;
}
