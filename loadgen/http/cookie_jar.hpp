#pragma once
// One virtual client's cookies: kept from Set-Cookie answers, sent back in a Cookie header.
// Small on purpose (thousands of clients): a flat vector, usually of one entry.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sessdemo::loadgen {

class CookieJar {
 public:
  static constexpr std::size_t max_cookies = 50;         // more are not kept
  static constexpr std::size_t max_cookie_bytes = 4096;  // name and value; a larger one is not kept
  // All of a client's cookies together: what most servers take in one Cookie header. So the
  // run's cookies stay under clients x 8 KiB (80 MB at 10,000 clients), however a server sets them.
  static constexpr std::size_t max_jar_bytes = 8192;

  // Applies one Set-Cookie header value: stores, replaces, or (Max-Age<=0, past Expires,
  // empty value) removes the cookie.
  void apply_set_cookie(std::string_view header);
  // "a=1; b=2", or "" when the jar is empty.
  std::string cookie_header() const;
  void append_cookie_header(std::string& out) const;
  const std::string* find(std::string_view name) const;
  bool empty() const { return cookies_.empty(); }
  void clear() { cookies_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> cookies_;
};

}  // namespace sessdemo::loadgen
