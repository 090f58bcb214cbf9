// A reference a page or an answer names (a form's action, a Location), resolved as RFC 3986 says.
#include "loadgen/http/url_reference.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace sessdemo::loadgen {

namespace {
// http://h:80 is http://h, https://h:443 is https://h; hosts compare without case.
std::string without_default_port(std::string_view origin) {
  std::string o(origin);
  for (char& c : o)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  auto strip = [&o](std::string_view scheme, std::string_view port) {
    if (o.rfind(scheme, 0) == 0 && o.size() > port.size() &&
        o.compare(o.size() - port.size(), port.size(), port) == 0)
      o.resize(o.size() - port.size());
  };
  strip("http://", ":80");
  strip("https://", ":443");
  return o;
}
}  // namespace

std::optional<std::string> resolve_reference(std::string_view base_path, std::string_view ref,
                                             std::string_view same_origin,
                                             std::string* other_origin) {
  // What a browser's URL parser does first: strip surrounding spaces, drop tabs and newlines,
  // and percent-encode what RFC 3986 has no room for.
  while (!ref.empty() && static_cast<unsigned char>(ref.front()) <= 0x20) ref.remove_prefix(1);
  while (!ref.empty() && static_cast<unsigned char>(ref.back()) <= 0x20) ref.remove_suffix(1);
  std::string clean;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : ref) {
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
        c == '}' || c == '|' || c == '\\' || c == '^') {
      clean += '%';
      clean += hex[c >> 4];
      clean += hex[c & 15];
    } else {
      clean += static_cast<char>(c);
    }
  }
  auto parsed = boost::urls::parse_uri_reference(clean);
  if (!parsed) return std::nullopt;
  std::string base_text = "http://base";
  base_text += base_path.empty() || base_path.front() != '/' ? "/" : "";
  base_text += base_path;
  auto base = boost::urls::parse_uri(base_text);
  if (!base) return std::nullopt;
  boost::urls::url dest;
  if (!boost::urls::resolve(*base, *parsed, dest)) return std::nullopt;
  if (parsed->has_scheme() && parsed->scheme() != "http" && parsed->scheme() != "https")
    return std::nullopt;
  if (parsed->has_authority() && other_origin) {
    std::string origin =
        std::string(dest.scheme()) + "://" + std::string(dest.encoded_host_and_port());
    if (without_default_port(origin) != without_default_port(same_origin)) *other_origin = origin;
  }
  std::string out(dest.encoded_path());
  if (out.empty() && dest.has_authority()) out = "/";
  if (out.empty() || out.front() != '/') return std::nullopt;  // nothing a request line can carry
  if (dest.has_query()) {
    out += '?';
    out += dest.encoded_query();
  }
  return out;
}

}  // namespace sessdemo::loadgen
