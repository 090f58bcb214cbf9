#pragma once
// Text put into HTML: & < > " ' escaped. Used by the server's pages and the demo's report.
#include <string>
#include <string_view>

namespace sessdemo {

std::string html_escape(std::string_view text);
// The same, appended to out (no string of its own: a page is built without one per value).
void html_escape_to(std::string& out, std::string_view text);

}  // namespace sessdemo
