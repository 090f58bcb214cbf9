#include "common/duration.hpp"

#include <charconv>
#include <cmath>

namespace sessdemo {

namespace {
struct Unit {
  std::string_view name;
  double us;
};
// Longest first, so "ms" is not read as "m" followed by garbage.
constexpr Unit units[] = {{"h", 3600e6}, {"m", 60e6}, {"s", 1e6}, {"ms", 1e3}, {"us", 1}};
constexpr int rank_of(std::string_view u) {
  for (int i = 0; i < 5; ++i)
    if (units[i].name == u) return i;
  return -1;
}
}  // namespace

std::optional<std::chrono::microseconds> parse_duration(std::string_view text) {
  // One or more <number><unit> parts, units from larger to smaller: 250ms, 1.5s, 1m30s, 1h15m.
  if (text.empty()) return std::nullopt;
  double total = 0;
  int last_rank = -1;
  while (!text.empty()) {
    std::size_t unit_pos = 0;
    while (unit_pos < text.size() &&
           ((text[unit_pos] >= '0' && text[unit_pos] <= '9') || text[unit_pos] == '.'))
      ++unit_pos;
    if (unit_pos == 0) return std::nullopt;
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + unit_pos, value);
    if (ec != std::errc{} || ptr != text.data() + unit_pos || value < 0) return std::nullopt;
    std::size_t unit_end = unit_pos;
    while (unit_end < text.size() && text[unit_end] >= 'a' && text[unit_end] <= 'z') ++unit_end;
    int rank = rank_of(text.substr(unit_pos, unit_end - unit_pos));
    if (rank < 0 || rank <= last_rank) return std::nullopt;  // unknown, repeated or out of order
    last_rank = rank;
    total += value * units[rank].us;
    text.remove_prefix(unit_end);
  }
  if (!std::isfinite(total) || total > 1e15) return std::nullopt;
  return std::chrono::microseconds(static_cast<long long>(std::llround(total)));
}

std::string format_duration(std::chrono::microseconds d) {
  auto us = d.count();
  if (us == 0) return "0s";
  if (us % 1'000'000LL != 0) {
    if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
    return std::to_string(us) + "us";
  }
  // Whole seconds: as hours, minutes and seconds, leaving out the zero parts (1m30s, 2h, 1h0m5s
  // is written 1h5s).
  std::string out;
  auto s = us / 1'000'000LL;
  if (s >= 3600) out += std::to_string(s / 3600) + "h";
  if (s % 3600 >= 60) out += std::to_string(s % 3600 / 60) + "m";
  if (s % 60 != 0) out += std::to_string(s % 60) + "s";
  return out;
}

}  // namespace sessdemo
