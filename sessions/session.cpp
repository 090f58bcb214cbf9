#include "sessions/session.hpp"

#include <charconv>

namespace sessdemo {

std::string encode_session(const Session& s) {
  std::string out = "sd1 " + std::to_string(s.version) + ' ' + std::to_string(s.created) + ' ' +
                    std::to_string(s.refreshed) + ' ' + std::to_string(s.visits) + ' ' +
                    std::to_string(s.origin) + ' ';
  if (s.name) {
    out += std::to_string(s.name->size());
    out += '\n';
    out += *s.name;
  } else {
    out += "-\n";
  }
  return out;
}

namespace {

// Reads one space-terminated integer field and advances past the space.
template <typename T>
bool take_number(std::string_view& in, T& value, char end) {
  auto pos = in.find(end);
  if (pos == std::string_view::npos || pos == 0) return false;
  auto field = in.substr(0, pos);
  auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc{} || ptr != field.data() + field.size()) return false;
  in.remove_prefix(pos + 1);
  return true;
}

}  // namespace

std::optional<Session> decode_session(std::string_view in) {
  constexpr std::string_view magic = "sd1 ";
  if (in.substr(0, magic.size()) != magic) return std::nullopt;
  in.remove_prefix(magic.size());
  Session s;
  if (!take_number(in, s.version, ' ') || !take_number(in, s.created, ' ') ||
      !take_number(in, s.refreshed, ' ') || !take_number(in, s.visits, ' ') ||
      !take_number(in, s.origin, ' '))
    return std::nullopt;
  if (in.substr(0, 2) == "-\n") {
    if (in.size() != 2) return std::nullopt;
    return s;
  }
  std::size_t len = 0;
  if (!take_number(in, len, '\n') || in.size() != len) return std::nullopt;
  s.name = std::string(in);
  return s;
}

}  // namespace sessdemo
