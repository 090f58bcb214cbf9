#pragma once
// A number as printf's %g writes it (6 significant digits, no trailing zeros): what the
// messages, reports and shape descriptions show of a figure.
#include <cstdio>
#include <string>

namespace sessdemo {

inline std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A number in plain decimals (15, 0.95, 0.000125), never in exponent form: for readers that
// take a figure as a word (a JUnit property, a CI dashboard). At most 9 places after the point.
inline std::string plain_decimal(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

}  // namespace sessdemo
