#include "common/json_text.hpp"

#include <cstdio>

#include "common/utf8.hpp"

namespace sessdemo {

void append_json_string(std::string& out, std::string_view s) {
  const bool utf8 = is_valid_utf8(s);
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || (u >= 0x80 && !utf8)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
      out += buf;
    } else {
      out += c;
    }
  }
}

}  // namespace sessdemo
