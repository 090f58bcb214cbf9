#pragma once
// application/x-www-form-urlencoded bodies and the rules for a visitor's name.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8.hpp"

namespace sessdemo {

// Percent-decoding with '+' as space; nothing for a broken %XX escape.
std::optional<std::string> form_decode(std::string_view text);

// The first value of field `name` in a form body. Outer nothing: the body is malformed;
// inner nothing: the field is absent.
std::optional<std::optional<std::string>> form_field(std::string_view body, std::string_view name);

inline constexpr std::size_t max_name_length = 100;

struct NameCheck {
  std::optional<std::string> name;  // the trimmed name when valid
  std::string error;                // why not, in words for the visitor
};
NameCheck check_name(std::string_view raw);

}  // namespace sessdemo
