#pragma once
// Makes the session store a `serve` command line asks for: the instance's own memory, one
// memcached node, or several (copies on our own ring: ReplicatedStore for 1-2 copies,
// QuorumStore for 3 or more).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/endpoint.hpp"
#include "sessions/replicated_store.hpp"
#include "sessions/store.hpp"

namespace sessdemo {

enum class StoreKind { memcached, memory };
const char* to_string(StoreKind k);
std::optional<StoreKind> parse_store_kind(std::string_view name);  // the names to_string gives

struct StoreSpec {
  StoreKind kind = StoreKind::memcached;
  std::vector<Endpoint> nodes;  // memcached nodes
  std::string key_prefix = "sessdemo";
  std::chrono::milliseconds timeout{250};  // one store call
  unsigned copies = 1;                     // nodes that hold each session
  std::chrono::seconds repair_ttl{1200};   // what a repaired copy lives (the session TTL)
};

struct BuiltStore {
  std::unique_ptr<SessionStore> store;
  const ReplicationStats* replication = nullptr;  // set with several nodes
};

// The memcached keys' prefix is fit for the wire (printable ASCII, no spaces, short enough for
// <prefix>:lock:<id> within memcached's 250 bytes): empty, or why not.
std::string key_prefix_problem(std::string_view prefix);
// Throws std::invalid_argument when the spec cannot be built (more copies than nodes, a bad
// key prefix), with a message for a person.
BuiltStore make_store(const StoreSpec& spec);

}  // namespace sessdemo
