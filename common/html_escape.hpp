#pragma once
// Text put into HTML: & < > " ' escaped. Used by the server's pages and the demo's report.
#include <string>
#include <string_view>

namespace sessdemo {

std::string html_escape(std::string_view text);

}  // namespace sessdemo
