#pragma once
// Which instance a client's next request goes to, like a load balancer in front of them.
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "common/name_table.hpp"

namespace sessdemo::loadgen {

enum class Balance {
  round_robin,  // a client's consecutive requests go to different instances (not sticky)
  random,       // uniformly random instance per request (not sticky)
  sticky,       // a client always goes to the same instance
};
inline constexpr NameTable<Balance, 3> balance_names{{{{Balance::round_robin, "round-robin"},
                                                       {Balance::random, "random"},
                                                       {Balance::sticky, "sticky"}}}};
inline const char* to_string(Balance b) {
  return balance_names.name(b);
}
inline std::optional<Balance> parse_balance(std::string_view text) {
  return balance_names.parse(text);
}

// request_no counts the client's own requests; client spreads clients over instances.
std::size_t pick_instance(Balance b, std::uint32_t client, std::uint64_t request_no,
                          std::size_t instances, std::minstd_rand& rng);

}  // namespace sessdemo::loadgen
