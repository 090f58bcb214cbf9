#pragma once
// UTF-8 as the pages, the store and the tester need it checked: names typed by visitors and
// names read back from the store (both untrusted).
#include <cstddef>
#include <string_view>

namespace sessdemo {

// Well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool is_valid_utf8(std::string_view s);
std::size_t utf8_length(std::string_view s);  // code points; s must be valid UTF-8

}  // namespace sessdemo
