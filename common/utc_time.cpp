#include "common/utc_time.hpp"

#include <chrono>
#include <ctime>

namespace sessdemo {

std::string utc_iso8601(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string utc_now_iso8601() {
  return utc_iso8601(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
}

std::optional<double> parse_utc_iso8601(std::string_view text) {
  if (text.size() < 20 || text.size() > 40 || text.back() != 'Z') return std::nullopt;
  std::string s(text.substr(0, text.size() - 1));
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  double fraction = 0;
  if (*rest == '.') {
    double scale = 0.1;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10)
      fraction += (*rest - '0') * scale;
  }
  if (*rest != '\0') return std::nullopt;
  return static_cast<double>(timegm(&tm)) + fraction;
}

}  // namespace sessdemo
