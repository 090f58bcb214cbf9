#pragma once
// What a person would read first on a page the tester could not use, for its one log line: the
// title, the headings, and the element that looks like the error (a class, id or role naming an
// error, alert or flash), taken with the HTML parser; the first visible text when there are none
// of those; the first bytes, escaped, when the body is not HTML.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/printable.hpp"

namespace sessdemo::loadgen {

std::string page_excerpt(std::string_view body, std::size_t max = 240);

}  // namespace sessdemo::loadgen
