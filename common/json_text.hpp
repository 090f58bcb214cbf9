#pragma once
// A string's contents as a JSON (and EDN) string literal's, without the quotes: quotes,
// backslashes and control characters escaped; bytes that are not UTF-8 written as \u00NN (each
// byte as a Latin-1 character), so that what comes out is always valid JSON whatever came in.
#include <string>
#include <string_view>

namespace sessdemo {

void append_json_string(std::string& out, std::string_view s);

}  // namespace sessdemo
