#include "loadgen/scenario/page_judge.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "common/page_contract.hpp"

namespace sessdemo::loadgen {

std::string make_name(std::string_view run_tag, std::uint32_t client, std::uint32_t seq) {
  std::string s(run_tag);
  s += "-c";
  s += std::to_string(client);
  s += "-w";
  s += std::to_string(seq);
  return s;
}

namespace {
bool read_number(std::string_view& in, std::uint32_t& out) {
  auto [p, ec] = std::from_chars(in.data(), in.data() + in.size(), out);
  if (ec != std::errc{}) return false;
  in.remove_prefix(static_cast<std::size_t>(p - in.data()));
  return true;
}
}  // namespace

std::optional<WrittenName> parse_name(std::string_view v) {
  auto w = v.rfind("-w");
  if (w == std::string_view::npos) return std::nullopt;
  auto c = v.rfind("-c", w);
  if (c == std::string_view::npos || c == 0) return std::nullopt;
  WrittenName n;
  n.run_tag = std::string(v.substr(0, c));
  auto client = v.substr(c + 2, w - c - 2), seq = v.substr(w + 2);
  if (client.empty() || seq.empty() || !read_number(client, n.client) || !client.empty() ||
      !read_number(seq, n.seq) || !seq.empty())
    return std::nullopt;
  return n;
}

ShownName shown_name(std::string_view body, std::string_view run_tag, std::uint32_t client) {
  ShownName out;
  std::string prefix(run_tag);
  prefix += "-c";
  std::optional<std::string_view> own;
  // glibc's memmem: the page is searched to its end for every name of the run, at a fraction of
  // string_view::find's cost (which restarts at every 'r' of the page).
  auto find = [&](std::size_t from) {
    if (from >= body.size()) return std::string_view::npos;
    const void* at = memmem(body.data() + from, body.size() - from, prefix.data(), prefix.size());
    return at ? static_cast<std::size_t>(static_cast<const char*>(at) - body.data())
              : std::string_view::npos;
  };
  for (auto pos = find(0); pos != std::string_view::npos; pos = find(pos + 1)) {
    auto end = pos + prefix.size();
    while (end < body.size() &&
           (std::isalnum(static_cast<unsigned char>(body[end])) || body[end] == '-'))
      ++end;
    std::string_view name = body.substr(pos, end - pos);
    auto parsed = parse_name(name);
    if (!parsed || parsed->run_tag != run_tag) continue;
    if (parsed->client != client) {
      out.name = name;  // another visitor's: whatever else the page shows
      out.ambiguous = false;
      return out;
    }
    if (own && *own != name) out.ambiguous = true;
    own = name;
  }
  if (own) {
    if (!out.ambiguous) out.name = own;
    return out;
  }
  auto el = body.find(page::name_marker);
  if (el == std::string_view::npos) return out;
  auto start = el + page::name_marker.size();
  auto stop = body.find('<', start);
  out.other_text = body.substr(
      start, std::min<std::size_t>(stop == std::string_view::npos ? 80 : stop - start, 80));
  return out;
}

}  // namespace sessdemo::loadgen
