#pragma once
// One name per value of an enum, written once: to_string, parsing (flags, JSON, histories) and
// the lists that help and errors show all read the same table, so no switch and parse loop can
// drift apart.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sessdemo {

template <class E, std::size_t N>
struct NameTable {
  std::array<std::pair<E, const char*>, N> entries;

  constexpr const char* name(E e) const {
    for (const auto& [value, text] : entries)
      if (value == e) return text;
    return "?";
  }
  constexpr std::optional<E> parse(std::string_view text) const {
    for (const auto& [value, name] : entries)
      if (text == name) return value;
    return std::nullopt;
  }
  // "a, b, c": for help texts and error messages.
  std::string list(std::string_view separator = ", ") const {
    std::string out;
    for (const auto& [value, text] : entries) {
      (void)value;
      if (!out.empty()) out += separator;
      out += text;
    }
    return out;
  }
};

}  // namespace sessdemo
