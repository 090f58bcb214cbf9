#pragma once
// How one Details page reads against what the client wrote (a read judgement; "verdict" is the
// run's, from its checks). Names written by the tester
// look like "<run>-c<client>-w<seq>", so any page of the same shape can be judged: the
// tester looks for its run tag in the body rather than for a particular element.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo::loadgen {

// resurrected: scenario logout, a read after an acknowledged logout that shows the session.
enum class ReadJudgement { hit, miss, stale, foreign, resurrected };
const char* to_string(ReadJudgement v);

std::string make_name(std::string_view run_tag, std::uint32_t client, std::uint32_t seq);
// make_name's parts read back, or nothing for a text that is not of its shape.
struct WrittenName {
  std::string run_tag;
  std::uint32_t client = 0;
  std::uint32_t seq = 0;
};
std::optional<WrittenName> parse_name(std::string_view name);
// The name a page shows: this run's name, or the text where the name belongs (at most 80
// bytes); nothing when it shows none. What judge_page judges, as text.
std::optional<std::string_view> shown_name(std::string_view body, std::string_view run_tag);

struct ClientWrites {
  std::uint32_t client = 0;
  std::uint32_t acked = 0;      // highest write sequence answered with success (0: none)
  std::uint32_t attempted = 0;  // highest write sequence sent (>= acked)
};

// hit: the latest acknowledged name (or a newer one still in flight); stale: an earlier name
// of the same client; foreign: another client's name, or a name the tester never wrote shown
// where the name belongs; miss: no name at all.
ReadJudgement judge_page(std::string_view body, std::string_view run_tag, const ClientWrites& w);

}  // namespace sessdemo::loadgen
