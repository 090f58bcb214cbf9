#pragma once
// What crosses the process boundary when one sessdemo starts another (the demo its instances,
// the tests theirs): serve's first line on stdout, once it listens, and the names the demo and
// the tests give instances. One spelling here; the writer and every reader use it.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo::start_line {

inline constexpr std::string_view listening = "listening on ";

// "listening on http://127.0.0.1:8080" (https:// with TLS).
inline std::string of(bool tls, std::string_view where) {
  return std::string(listening) + (tls ? "https://" : "http://") + std::string(where);
}

// The HOST:PORT of such a line; nothing for any other line.
inline std::optional<std::string> address_in(std::string_view line) {
  if (line.rfind(listening, 0) != 0) return std::nullopt;
  line.remove_prefix(listening.size());
  for (std::string_view scheme : {"http://", "https://"})
    if (line.rfind(scheme, 0) == 0) return std::string(line.substr(scheme.size()));
  return std::nullopt;
}

// The i-th instance's --id when the demo or a test starts several: inst-A, inst-B, ...
inline std::string instance_name(std::size_t i) {
  return "inst-" + std::string(1, static_cast<char>('A' + i % 26));
}

}  // namespace sessdemo::start_line
