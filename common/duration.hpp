#pragma once
// Durations written like 250ms, 30s, 20m, 8h (also 1500us, 2.5s), and compound as Go-based tools
// take them: 1m30s, 1h15m (units from larger to smaller).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo {

std::optional<std::chrono::microseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::microseconds d);

}  // namespace sessdemo
