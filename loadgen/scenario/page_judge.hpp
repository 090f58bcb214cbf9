#pragma once
// The names the tester writes and what a page shows of them. Names look like
// "<run>-c<client>-w<seq>", so any page of the same shape can be read: the tester looks for its
// run tag in the body rather than for a particular element. What a read showed is judged by the
// one checker (operation_checker.hpp), never here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo::loadgen {

std::string make_name(std::string_view run_tag, std::uint32_t client, std::uint32_t seq);
// make_name's parts read back, or nothing for a text that is not of its shape.
struct WrittenName {
  std::string run_tag;
  std::uint32_t client = 0;
  std::uint32_t seq = 0;
};
std::optional<WrittenName> parse_name(std::string_view name);
// The name a page shows: this run's name, or the text where the name belongs (at most 80
// bytes); nothing when it shows none: the value of the read's operation.
std::optional<std::string_view> shown_name(std::string_view body, std::string_view run_tag);

struct ClientWrites {
  std::uint32_t client = 0;
  std::uint32_t acked = 0;      // highest write sequence answered with success (0: none)
  std::uint32_t attempted = 0;  // highest write sequence sent (>= acked)
};

}  // namespace sessdemo::loadgen
