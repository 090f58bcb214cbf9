#pragma once
// Bytes from outside (a page, a header) as a log line can show them: control characters and
// bytes past ASCII escaped (\n, \r, \t, \xNN), so a peer cannot forge log lines or send a
// terminal its escape sequences; "..." when cut at max bytes.
#include <cstddef>
#include <string>
#include <string_view>

namespace sessdemo {

std::string printable(std::string_view bytes, std::size_t max = 200);

}  // namespace sessdemo
