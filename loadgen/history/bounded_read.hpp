#pragma once
// Reading what a user names (a history, a run's JSON) without letting the input decide the
// memory: a line or a file past its bound is refused, not read to its end (`check /dev/zero`
// and `merge /dev/zero` took a gigabyte and more before).
#include <cstddef>
#include <istream>
#include <string>
#include <variant>

namespace sessdemo::loadgen {

// The next line of in (without its '\n') into line; false at the end of the input. A line longer
// than max bytes sets too_long, keeps its first max bytes and skips nothing more: the caller
// refuses the input.
bool read_line(std::istream& in, std::string& line, std::size_t max, bool& too_long);

// A whole regular file of at most max bytes, or one line saying why not.
struct ReadError {
  std::string message;
};
std::variant<std::string, ReadError> read_bounded_file(const std::string& path, std::size_t max);

}  // namespace sessdemo::loadgen
