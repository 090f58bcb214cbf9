#pragma once
// Where a journey finds a value in an answer (journey.hpp's Locator): an element of the page by
// a CSS selector (its text or an attribute), a JSON pointer (RFC 6901), a regular expression's
// first group, a cookie of the client, or anywhere in the page. Pages are parsed by gumbo within
// the tester's bounds (html_document.hpp) and selectors matched by css_selector.hpp; JSON is
// read by Boost.JSON, patterns by Boost.Regex.
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/http/cookie_jar.hpp"
#include "loadgen/journey/journey.hpp"

namespace sessdemo::loadgen {

// A page past this is not searched (the value is taken as missing).
inline constexpr std::size_t max_located_page = 2 * 1024 * 1024;
// A value found longer than this is cut (the tester's values are short).
inline constexpr std::size_t max_located_value = 512;

// The value at the place, trimmed of white space: nothing when the place is missing. A page
// locator gives the page's whole text. Any thread.
std::optional<std::string> locate(const Locator& l, std::string_view body, const CookieJar& jar);

// Empty when the locator can be used (its selector parses, its pattern compiles), else why not.
std::string check_locator(const Locator& l);

}  // namespace sessdemo::loadgen
