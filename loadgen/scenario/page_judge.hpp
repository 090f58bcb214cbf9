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
// What a page shows of the session, read without a place to read it at (the visit scenario):
// the names of this run in it. Another client's name is that name (another visitor's data); one
// name of the client is its value; several of the client's at once (a flash "changed from OLD
// to NEW") are ambiguous: not judged. Text that is no name of this run is never another
// visitor's data: it is no value (other_text: what stands where serve puts the name, at most 80
// bytes, for the one log line that says so).
struct ShownName {
  std::optional<std::string_view> name;
  bool ambiguous = false;
  std::string_view other_text;
};
ShownName shown_name(std::string_view body, std::string_view run_tag, std::uint32_t client);

struct ClientWrites {
  std::uint32_t client = 0;
  std::uint32_t acked = 0;      // highest write sequence answered with success (0: none)
  std::uint32_t attempted = 0;  // highest write sequence sent (>= acked)
};

}  // namespace sessdemo::loadgen
