#pragma once
// What the pages promise to whoever reads them (the tester, the browser test, people's own
// scripts): the markers around the values. The server writes them, the tester looks for them,
// and the tests refer to these constants rather than spelling the markup again.
#include <string_view>

namespace sessdemo::page {

// The element holding the session's name; the name follows it, HTML-escaped, up to '<'.
inline constexpr std::string_view name_marker = "id=\"name\">";
// The element holding the id of the instance that served the page.
inline constexpr std::string_view instance_marker = "id=\"instance\">";
// Details with no name in the session.
inline constexpr std::string_view no_name_marker = "id=\"no-name\">";
// The answer header that names the instance that served it (the tester's default
// --instance-header).
inline constexpr std::string_view instance_header = "X-Instance-Id";

}  // namespace sessdemo::page
