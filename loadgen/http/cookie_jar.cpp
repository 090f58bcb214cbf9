#include "loadgen/http/cookie_jar.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/trim.hpp"

namespace sessdemo::loadgen {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           // tolower of a negative char is undefined: bytes past ASCII as unsigned char.
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

void CookieJar::apply_set_cookie(std::string_view header) {
  auto semi = header.find(';');
  auto pair = trim(header.substr(0, semi));
  auto eq = pair.find('=');
  if (eq == std::string_view::npos || eq == 0) return;
  auto name = trim(pair.substr(0, eq));
  auto value = trim(pair.substr(eq + 1));
  bool expire = value.empty();
  // Attributes: only the ones that end a cookie matter to a load client.
  auto attrs = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
  while (!attrs.empty()) {
    auto next = attrs.find(';');
    auto attr = trim(attrs.substr(0, next));
    attrs = next == std::string_view::npos ? std::string_view{} : attrs.substr(next + 1);
    auto aeq = attr.find('=');
    auto key = trim(attr.substr(0, aeq));
    auto val = aeq == std::string_view::npos ? std::string_view{} : trim(attr.substr(aeq + 1));
    if (iequals(key, "max-age")) {
      long long age = 0;
      auto [p, ec] = std::from_chars(val.data(), val.data() + val.size(), age);
      if (ec == std::errc{} && age <= 0) expire = true;
    } else if (iequals(key, "expires") && val.find("1970") != std::string_view::npos) {
      expire = true;
    }
  }
  auto it = std::find_if(cookies_.begin(), cookies_.end(),
                         [&](const auto& c) { return c.first == name; });
  if (expire) {
    if (it != cookies_.end()) cookies_.erase(it);
    return;
  }
  // Bounded like a browser's jar: a server that sends ever more or ever larger cookies cannot
  // grow the tester (a browser keeps about 50 per site of 4 KiB each).
  if (name.size() + value.size() > max_cookie_bytes) return;
  std::size_t held = 0;
  for (const auto& c : cookies_) held += c.first.size() + c.second.size() + 2;
  if (it != cookies_.end()) held -= it->first.size() + it->second.size() + 2;
  if (held + name.size() + value.size() + 2 > max_jar_bytes) return;
  if (it != cookies_.end())
    it->second.assign(value);
  else if (cookies_.size() < max_cookies)
    cookies_.emplace_back(std::string(name), std::string(value));
}

void CookieJar::append_cookie_header(std::string& out) const {
  for (std::size_t i = 0; i < cookies_.size(); ++i) {
    if (i) out += "; ";
    out += cookies_[i].first;
    out += '=';
    out += cookies_[i].second;
  }
}

std::string CookieJar::cookie_header() const {
  std::string out;
  append_cookie_header(out);
  return out;
}

const std::string* CookieJar::find(std::string_view name) const {
  for (const auto& c : cookies_)
    if (c.first == name) return &c.second;
  return nullptr;
}

}  // namespace sessdemo::loadgen
