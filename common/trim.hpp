#pragma once
// The one trim: blanks off both ends of a view. By default spaces and tabs, HTTP's optional
// white space (cookies, headers); the config reader adds the CR of CRLF line ends.
#include <string_view>

namespace sessdemo {

inline std::string_view trim(std::string_view s, std::string_view blanks = " \t") {
  auto first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return s.substr(s.size());  // empty, but still inside s
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

}  // namespace sessdemo
