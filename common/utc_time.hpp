#pragma once
// Times written for people and machines alike: UTC, ISO 8601, to the second.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo {

std::string utc_iso8601(std::int64_t unix_seconds);  // 2026-11-23T17:04:05Z
std::string utc_now_iso8601();
// 2026-11-23T17:04:05Z or 2026-11-23T17:04:05.250Z (UTC: the Z is required) to unix seconds.
std::optional<double> parse_utc_iso8601(std::string_view text);

}  // namespace sessdemo
