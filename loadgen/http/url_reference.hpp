#pragma once
// A reference a page or an answer names (a form's action, a Location), resolved against the page
// it came from, and whether it names another origin.
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo::loadgen {

// The path and query a reference (an action, a Location) names, resolved against the page's
// path as RFC 3986 says; the fragment dropped. The tester only ever sends to its own
// --instances, so an absolute URL contributes its path and query (and its origin is returned
// in other_origin when it is not same_origin). nullopt when it does not parse.
std::optional<std::string> resolve_reference(std::string_view base_path, std::string_view ref,
                                             std::string_view same_origin = {},
                                             std::string* other_origin = nullptr);

}  // namespace sessdemo::loadgen
