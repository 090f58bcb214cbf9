#pragma once
// The names a history line is made of, for the writer (history.cpp, JSON lines or EDN) and the
// reader (history_read.cpp): one spelling each. docs/histories.md describes the lines.
#include <cstdint>
#include <string_view>

namespace sessdemo::loadgen::history_field {

inline constexpr std::string_view index = "index";
inline constexpr std::string_view time = "time";
inline constexpr std::string_view process = "process";
inline constexpr std::string_view type = "type";
inline constexpr std::string_view f = "f";
inline constexpr std::string_view key = "key";  // JSON; EDN's :value is [key value]
inline constexpr std::string_view value = "value";
inline constexpr std::string_view warmup = "warmup";
inline constexpr std::string_view instance = "instance";
inline constexpr std::string_view status = "status";

// Processes that are not clients, and the numbers the reader gives them.
inline constexpr std::string_view nemesis = "nemesis";
inline constexpr std::string_view tester = "tester";
inline constexpr std::int64_t nemesis_process = -1;
inline constexpr std::int64_t tester_process = -2;
inline std::int64_t named_process(std::string_view name) {
  return name == tester ? tester_process : nemesis_process;
}

// The tester's own line when a run is interrupted: {"process":"tester","f":"interrupted"}.
inline constexpr std::string_view interrupted = "interrupted";

}  // namespace sessdemo::loadgen::history_field
