#include "common/html_escape.hpp"

namespace sessdemo {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  html_escape_to(out, text);
  return out;
}

void html_escape_to(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace sessdemo
