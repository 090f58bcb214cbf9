#pragma once
// Times written for people and machines alike: UTC, ISO 8601, to the second.
#include <cstdint>
#include <string>

namespace sessdemo {

std::string utc_iso8601(std::int64_t unix_seconds);  // 2026-11-23T17:04:05Z
std::string utc_now_iso8601();

}  // namespace sessdemo
