#include "sessions/session.hpp"

#include <cctype>
#include <charconv>

#include "common/utf8.hpp"

namespace sessdemo {

std::string encode_session(const Session& s) {
  if (s.ended) return "sd0 " + std::to_string(s.version) + ' ' + std::to_string(s.write_tag) + '\n';
  std::string out = (s.csrf.empty() ? "sd1 " : "sd2 ") + std::to_string(s.version) + ' ' +
                    std::to_string(s.created) + ' ' + std::to_string(s.refreshed) + ' ' +
                    std::to_string(s.visits) + ' ' + std::to_string(s.write_tag) + ' ';
  if (!s.csrf.empty()) {
    out += s.csrf;
    out += ' ';
  }
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

namespace {
// Decoded numbers are untrusted: a version at its maximum cannot be followed (it would wrap to
// 0), times must be Unix seconds of this era, and a counter must leave room to count on.
bool plausible_fields(const Session& s) {
  constexpr std::int64_t latest = std::int64_t{1}
                                  << 34;  // the year 2514: sums with it cannot overflow
  return s.version < max_session_version && s.created >= 0 && s.created <= latest &&
         s.refreshed >= 0 && s.refreshed <= latest && s.visits >= 0 && s.visits <= max_visits;
}
}  // namespace

std::optional<Session> decode_session(std::string_view in) {
  if (in.substr(0, 4) == "sd0 ") {
    in.remove_prefix(4);
    Session s;
    s.ended = true;
    if (!take_number(in, s.version, ' ') || !take_number(in, s.write_tag, '\n') || !in.empty() ||
        s.version >= max_session_version)
      return std::nullopt;
    return s;
  }
  bool with_token = in.substr(0, 4) == "sd2 ";
  if (!with_token && in.substr(0, 4) != "sd1 ") return std::nullopt;
  in.remove_prefix(4);
  Session s;
  if (!take_number(in, s.version, ' ') || !take_number(in, s.created, ' ') ||
      !take_number(in, s.refreshed, ' ') || !take_number(in, s.visits, ' ') ||
      !take_number(in, s.write_tag, ' '))
    return std::nullopt;
  if (!plausible_fields(s)) return std::nullopt;
  if (with_token) {
    // A token as new_session_id() makes them: letters, digits, '-' and '_'.
    auto end = in.find(' ');
    if (end == std::string_view::npos || end == 0 || end > 64) return std::nullopt;
    for (char c : in.substr(0, end))
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return std::nullopt;
    s.csrf = std::string(in.substr(0, end));
    in.remove_prefix(end + 1);
  }
  if (in.substr(0, 2) == "-\n") {
    if (in.size() != 2) return std::nullopt;
    return s;
  }
  std::size_t len = 0;
  if (!take_number(in, len, '\n') || in.size() != len) return std::nullopt;
  // A name reaches HTML and JSON: what the name rules could never have let in is corrupt.
  if (len > max_stored_name_bytes || !is_valid_utf8(in)) return std::nullopt;
  for (unsigned char c : in)
    if (c < 0x20 || c == 0x7f) return std::nullopt;
  s.name = std::string(in);
  return s;
}

}  // namespace sessdemo
