#include "sessions/duration.hpp"

#include <charconv>
#include <cmath>

namespace sessdemo {

std::optional<std::chrono::microseconds> parse_duration(std::string_view text) {
  std::size_t unit_pos = 0;
  while (unit_pos < text.size() &&
         ((text[unit_pos] >= '0' && text[unit_pos] <= '9') || text[unit_pos] == '.'))
    ++unit_pos;
  if (unit_pos == 0) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + unit_pos, value);
  if (ec != std::errc{} || ptr != text.data() + unit_pos || value < 0) return std::nullopt;
  auto unit = text.substr(unit_pos);
  double scale = 0;
  if (unit == "us") scale = 1;
  else if (unit == "ms") scale = 1e3;
  else if (unit == "s") scale = 1e6;
  else if (unit == "m") scale = 60e6;
  else if (unit == "h") scale = 3600e6;
  else return std::nullopt;
  double us = value * scale;
  if (!std::isfinite(us) || us > 1e15) return std::nullopt;
  return std::chrono::microseconds(static_cast<long long>(std::llround(us)));
}

std::string format_duration(std::chrono::microseconds d) {
  auto us = d.count();
  if (us % 3600'000'000LL == 0 && us != 0) return std::to_string(us / 3600'000'000LL) + "h";
  if (us % 60'000'000LL == 0 && us != 0) return std::to_string(us / 60'000'000LL) + "m";
  if (us % 1'000'000LL == 0) return std::to_string(us / 1'000'000LL) + "s";
  if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

}  // namespace sessdemo
