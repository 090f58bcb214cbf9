// The form decoder and the name rules: what a visitor's POST / body turns into.
#include "server/form.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  if (auto decoded = form_decode(text)) FUZZ_CHECK(decoded->size() <= text.size());
  auto field = form_field(text, "name");
  // The name rules on the raw bytes and on the decoded field.
  for (auto raw : {std::optional<std::string>(std::string(text)),
                   field && *field ? **field : std::optional<std::string>()}) {
    if (!raw) continue;
    NameCheck check = check_name(*raw);
    FUZZ_CHECK(check.name.has_value() != !check.error.empty());
    if (!check.name) continue;
    // An accepted name is valid UTF-8, 1 to 100 characters, without control characters or
    // spaces at its ends, and accepted again as it is.
    const std::string& n = *check.name;
    FUZZ_CHECK(is_valid_utf8(n));
    FUZZ_CHECK(utf8_length(n) >= 1 && utf8_length(n) <= max_name_length);
    for (unsigned char c : n) FUZZ_CHECK(c >= 0x20 && c != 0x7f);
    FUZZ_CHECK(n.front() != ' ' && n.back() != ' ');
    auto again = check_name(n);
    FUZZ_CHECK(again.name && *again.name == n);
  }
  return 0;
}
