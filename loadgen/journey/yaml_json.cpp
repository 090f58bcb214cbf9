#include "loadgen/journey/yaml_json.hpp"

#include <charconv>
#include <cstdio>

namespace sessdemo::loadgen {

// A YAML mapping as a JSON text: plain scalars that read as numbers, true, false or null stay
// so; every other scalar is a string (its {references} filled when the request is built).
std::string yaml_to_json(const YAML::Node& n) {
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') {
        q += '\\';
        q += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        q += buf;
      } else {
        q += c;
      }
    }
    return q + "\"";
  };
  if (n.IsMap()) {
    std::string out = "{";
    for (const auto& kv : n)
      out += (out.size() > 1 ? "," : "") + quote(kv.first.as<std::string>()) + ":" +
             yaml_to_json(kv.second);
    return out + "}";
  }
  if (n.IsSequence()) {
    std::string out = "[";
    for (const auto& e : n) out += (out.size() > 1 ? "," : "") + yaml_to_json(e);
    return out + "]";
  }
  if (n.IsNull()) return "null";
  std::string s = n.as<std::string>();
  bool plain = n.Tag() == "?";
  if (plain && (s == "true" || s == "false" || s == "null")) return s;
  double d;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (plain && !s.empty() && ec == std::errc{} && p == s.data() + s.size()) return s;
  return quote(s);
}

}  // namespace sessdemo::loadgen
