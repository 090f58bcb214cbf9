#pragma once
// Base64 (RFC 4648, standard alphabet, with padding): plots inlined in the report page,
// compressed histograms in HdrHistogram logs.
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo {

std::string base64_encode(std::string_view bytes);
// Nothing for text that is not base64 (white space is not allowed).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sessdemo
