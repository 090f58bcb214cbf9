#pragma once
// Reading the Cookie request header and writing the session's Set-Cookie header.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo {

inline constexpr std::string_view session_cookie_name = "sessdemo_sid";

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if present.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name);
// Calls fn with the value of every cookie `name` in the header, in order, until fn returns
// false; returns false when fn stopped it.
bool for_each_cookie(std::string_view header, std::string_view name,
                     const std::function<bool(std::string_view)>& fn);

std::string session_cookie(std::string_view id, bool secure);
// A Set-Cookie that makes the browser drop the session cookie.
std::string expired_session_cookie(bool secure);

}  // namespace sessdemo
