#pragma once
// One event of a history (`load --history`): an operation's invoke or its completion.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace sessdemo::loadgen {

enum class OpType : std::uint8_t { invoke, ok, fail, info };
enum class OpF : std::uint8_t { none, write, read, add, read_counter, logout, login, nemesis };
const char* to_string(OpType t);
const char* to_string(OpF f);

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
  std::int64_t time_ns = 0;   // since the measured start
  // The Jepsen process: client + clients * k, k a number of the client's own. A client's
  // concurrent requests are processes of their own, and after an `info` completion (outcome
  // unknown) the client goes on under a new one, as Jepsen's checkers expect.
  std::uint64_t process = 0;
  std::uint32_t client = 0;   // the key is "c<client>"
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
