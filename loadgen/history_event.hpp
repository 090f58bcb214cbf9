#pragma once
// One event of a history (`load --history`): an operation's invoke or its completion.
#include <algorithm>
#include <array>
#include <cstdint>
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

struct HistoryEvent {
  std::int64_t time_ns = 0;   // since the measured start
  std::uint32_t process = 0;  // the client, or client + clients * slot for concurrent requests
  std::uint32_t client = 0;   // the key is "c<client>"
  OpType type = OpType::invoke;
  OpF f = OpF::none;
  // The value: a name (write, read), a number (add, read-counter), or none (null).
  enum class Value : std::uint8_t { none, text, number } value_kind = Value::none;
  ShortText<80> text;  // name, or the nemesis' fault and target
  std::int64_t number = 0;
  ShortText<64> instance;  // completions: the instance that answered
  int status = 0;          // completions: the HTTP status (0: none)
};

}  // namespace sessdemo::loadgen
