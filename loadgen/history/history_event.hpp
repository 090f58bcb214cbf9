#pragma once
// One event of a history (`load --history`): an operation's invoke or its completion.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/name_table.hpp"

namespace sessdemo::loadgen {

enum class OpType : std::uint8_t { invoke, ok, fail, info };
enum class OpF : std::uint8_t { none, write, read, add, read_counter, logout, login, nemesis };
inline constexpr NameTable<OpType, 4> op_type_names{{{{OpType::invoke, "invoke"},
                                                      {OpType::ok, "ok"},
                                                      {OpType::fail, "fail"},
                                                      {OpType::info, "info"}}}};
// The operations' `f`, as the history writes them (none and nemesis are never parsed from one).
inline constexpr NameTable<OpF, 8> op_f_names{{{{OpF::none, "none"},
                                                {OpF::write, "write"},
                                                {OpF::read, "read"},
                                                {OpF::add, "add"},
                                                {OpF::read_counter, "read-counter"},
                                                {OpF::logout, "logout"},
                                                {OpF::login, "login"},
                                                {OpF::nemesis, "nemesis"}}}};
inline const char* to_string(OpType t) {
  return op_type_names.name(t);
}
inline const char* to_string(OpF f) {
  return op_f_names.name(f);
}

// A short text kept in place (no allocation on the request path); longer ones are cut.
template <std::size_t N>
struct ShortText {
  std::array<char, N> bytes{};
  std::uint8_t size = 0;
  void assign(std::string_view s) {
    size = static_cast<std::uint8_t>(std::min(s.size(), N));
    std::copy_n(s.data(), size, bytes.data());
  }
  std::string_view view() const { return {bytes.data(), size}; }
};

// A history's time (ns since the measured start) as proofs and logs say it: "12.345 s".
inline std::string time_text(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
  return buf;
}

struct HistoryEvent {
  std::int64_t time_ns = 0;  // since the measured start
  // The Jepsen process: client + clients * k, k a number of the client's own. A client's
  // concurrent requests are processes of their own, and after an `info` completion (outcome
  // unknown) the client goes on under a new one, as Jepsen's checkers expect.
  std::uint64_t process = 0;
  std::uint32_t client = 0;  // the key is "c<client>"
  OpType type = OpType::invoke;
  OpF f = OpF::none;
  // The value: a name (write, read), a number (add, read-counter), or none (null).
  enum class Value : std::uint8_t { none, text, number } value_kind = Value::none;
  ShortText<80> text;  // name, or the nemesis' fault and target
  std::int64_t number = 0;
  ShortText<64> instance;  // completions: the instance that answered
  int status = 0;          // completions: the HTTP status (0: none)
  bool warmup = false;     // before the measured start: judged, left out of the figures
};

}  // namespace sessdemo::loadgen
