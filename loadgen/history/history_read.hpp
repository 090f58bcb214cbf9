#pragma once
// A history's lines read back (load --history writes them): JSON lines through Boost.JSON, and the
// EDN subset the tester writes.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace sessdemo::loadgen {

// One line of a history, read back.
struct HistoryOp {
  std::uint64_t index = 0;
  std::int64_t time = 0;     // ns since the measured start
  std::int64_t process = 0;  // -1: the nemesis; -2: the tester (its interrupted marker)
  std::string type;          // invoke, ok, fail, info
  std::string f;
  std::string key;
  enum class Value { null, text, number } value_kind = Value::null;
  std::string text;
  std::int64_t number = 0;
  std::string instance;
  int status = 0;
  bool warmup = false;
};

// One line of JSON or EDN (as load --history writes them), or a one-line reason it is not one.
std::variant<HistoryOp, std::string> parse_history_line(std::string_view line, bool edn);

}  // namespace sessdemo::loadgen
