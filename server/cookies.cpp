#include "server/cookies.hpp"

#include "common/trim.hpp"

namespace sessdemo {

std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
  std::optional<std::string_view> found;
  for_each_cookie(header, name, [&](std::string_view v) {
    found = v;
    return false;
  });
  return found;
}

bool for_each_cookie(std::string_view header, std::string_view name,
                     const std::function<bool(std::string_view)>& fn) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) != name) continue;
    auto value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (!fn(value)) return false;
  }
  return true;
}

std::string session_cookie(std::string_view id, bool secure) {
  std::string c(session_cookie_name);
  c += '=';
  c += id;
  c += "; Path=/; HttpOnly; SameSite=Lax";
  if (secure) c += "; Secure";
  return c;
}

std::string expired_session_cookie(bool secure) {
  std::string c(session_cookie_name);
  c += "=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax";
  if (secure) c += "; Secure";
  return c;
}

}  // namespace sessdemo
