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

}  // namespace sessdemo
