#include "loadgen/verdict.hpp"

#include <charconv>

#include "common/page_contract.hpp"

namespace sessdemo::loadgen {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::hit:
      return "hit";
    case Verdict::miss:
      return "miss";
    case Verdict::stale:
      return "stale";
    case Verdict::foreign:
      return "foreign";
    case Verdict::resurrected:
      return "resurrected";
  }
  return "?";
}

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

Verdict judge_page(std::string_view body, std::string_view run_tag, const ClientWrites& w) {
  std::string prefix(run_tag);
  prefix += "-c";
  auto pos = body.find(prefix);
  if (pos == std::string_view::npos) {
    // No name of this run. A name element with other text is somebody else's data.
    auto el = body.find(page::name_marker);
    if (el != std::string_view::npos && body.substr(el + page::name_marker.size(), 1) != "<")
      return Verdict::foreign;
    return Verdict::miss;
  }
  auto rest = body.substr(pos + prefix.size());
  std::uint32_t client = 0, seq = 0;
  if (!read_number(rest, client) || rest.substr(0, 2) != "-w") return Verdict::foreign;
  rest.remove_prefix(2);
  if (!read_number(rest, seq)) return Verdict::foreign;
  if (client != w.client) return Verdict::foreign;
  if (seq >= w.acked && seq <= w.attempted) return Verdict::hit;
  if (seq < w.acked) return Verdict::stale;
  return Verdict::foreign;  // a sequence this client never sent
}

}  // namespace sessdemo::loadgen
