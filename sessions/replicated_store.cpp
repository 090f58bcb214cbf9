#include "sessions/replicated_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace sessdemo {

namespace {
constexpr int points_per_node = 160;

// FNV-1a, then a splitmix64 finaliser: stable across builds, so every instance agrees.
std::uint64_t hash64(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

ReplicatedStore::ReplicatedStore(std::vector<ReplicaNode> nodes, ReplicationOptions repl)
    : repl_(repl) {
  if (nodes.empty()) throw std::invalid_argument("no memcached servers");
  if (repl_.copies == 0 || repl_.copies > nodes.size())
    throw std::invalid_argument("--copies must be between 1 and the number of memcached nodes");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto node = std::make_unique<Node>();
    node->name = std::move(nodes[i].name);
    node->store = std::move(nodes[i].store);
    for (int p = 0; p < points_per_node; ++p)
      ring_.emplace_back(hash64(node->name + "#" + std::to_string(p)), i);
    nodes_.push_back(std::move(node));
  }
  std::sort(ring_.begin(), ring_.end());
}

std::vector<std::size_t> ReplicatedStore::ring_order(std::string_view id) const {
  std::vector<std::size_t> order;
  auto it =
      std::lower_bound(ring_.begin(), ring_.end(), std::make_pair(hash64(id), std::size_t{0}));
  for (std::size_t k = 0; k < ring_.size() && order.size() < nodes_.size(); ++k, ++it) {
    if (it == ring_.end()) it = ring_.begin();
    if (std::find(order.begin(), order.end(), it->second) == order.end())
      order.push_back(it->second);
  }
  return order;
}

std::vector<std::size_t> ReplicatedStore::copies_of(std::string_view id) const {
  auto order = ring_order(id);
  order.resize(std::min<std::size_t>(order.size(), repl_.copies));
  return order;
}

bool ReplicatedStore::usable(const Node& n) const {
  return n.ejected_until_ns.load() <= now_ns();
}

void ReplicatedStore::note(Node& n, StoreStatus st) {
  if (st != StoreStatus::unavailable) {
    n.failures = 0;
    return;
  }
  if (++n.failures >= repl_.failures_to_eject) {
    n.failures = 0;
    n.ejected_until_ns =
        now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(repl_.eject_for).count();
    stats_.ejections++;
    spdlog::warn("memcached node {} taken out of rotation for {} ms", n.name,
                 repl_.eject_for.count());
  }
}

std::vector<std::size_t> ReplicatedStore::live_copies(std::string_view id) const {
  // The first `copies` nodes in ring order that are in rotation: while a node is out, the next
  // one takes its place, so a session keeps its number of copies. Too few in rotation: the
  // ejected ones are tried as well rather than none.
  auto order = ring_order(id);
  std::vector<std::size_t> out;
  for (auto i : order)
    if (out.size() < repl_.copies && usable(*nodes_[i])) out.push_back(i);
  for (auto i : order)
    if (out.size() < repl_.copies && std::find(out.begin(), out.end(), i) == out.end())
      out.push_back(i);
  return out;
}

LoadResult ReplicatedStore::load(std::string_view id) {
  return load_copies(id, std::nullopt);
}

LoadResult ReplicatedStore::load_copies(std::string_view id,
                                        std::optional<std::size_t> failed_node) {
  auto copies = live_copies(id);
  LoadResult best;
  best.status = StoreStatus::unavailable;
  best.error = "no memcached node holding this session answered";
  std::vector<std::size_t> missing;  // reachable copies without the value, in ring order
  bool any_answer = false;
  for (std::size_t k = 0; k < copies.size(); ++k) {
    if (failed_node && copies[k] == *failed_node) continue;
    Node& n = *nodes_[copies[k]];
    LoadResult r = n.store->load(id);
    note(n, r.status);
    if (r.status == StoreStatus::unavailable) continue;
    any_answer = true;
    if (r.status != StoreStatus::ok) {
      missing.push_back(copies[k]);
      continue;
    }
    if (k > 0 || failed_node) stats_.fallbacks++;
    if (missing.empty()) return r;  // the first reachable copy had it: the common case
    // Found on a later copy: the newest of what is left wins, and the reachable copies before
    // it are refilled. The first of them is the primary, so its cas token is the one to use.
    for (std::size_t j = k + 1; j < copies.size(); ++j) {
      Node& other = *nodes_[copies[j]];
      LoadResult o = other.store->load(id);
      note(other, o.status);
      if (o.status == StoreStatus::ok && o.session->version > r.session->version) r = o;
    }
    for (auto m : missing) {
      if (nodes_[m]->store->create(id, *r.session, repl_.repair_ttl) == StoreStatus::ok)
        stats_.repairs++;
    }
    LoadResult primary = nodes_[missing.front()]->store->load(id);
    note(*nodes_[missing.front()], primary.status);
    return primary.status == StoreStatus::ok ? primary : r;
  }
  if (any_answer) {
    best = LoadResult{};  // reachable, and no copy holds it: a real miss
  }
  return best;
}

std::vector<LoadResult> ReplicatedStore::load_many(const std::vector<std::string>& ids) {
  std::vector<LoadResult> out(ids.size());
  // Group the ids by their primary (the first live copy) and ask each node once.
  std::vector<std::vector<std::size_t>> by_node(nodes_.size());
  for (std::size_t i = 0; i < ids.size(); ++i) by_node[live_copies(ids[i]).front()].push_back(i);
  std::vector<std::string> group;
  for (std::size_t n = 0; n < nodes_.size(); ++n) {
    if (by_node[n].empty()) continue;
    group.clear();
    for (auto i : by_node[n]) group.push_back(ids[i]);
    auto got = nodes_[n]->store->load_many(group);
    bool answered = std::any_of(got.begin(), got.end(), [](const LoadResult& r) {
      return r.status != StoreStatus::unavailable;
    });
    note(*nodes_[n], answered ? StoreStatus::ok : StoreStatus::unavailable);
    for (std::size_t k = 0; k < group.size(); ++k) {
      std::size_t i = by_node[n][k];
      // Found on the primary: the common case, done. With one copy a miss or a failure is the
      // answer too. Otherwise another copy may hold it: the one-by-one path tries them.
      if (got[k].status == StoreStatus::ok || repl_.copies == 1)
        out[i] = std::move(got[k]);
      else if (got[k].status == StoreStatus::unavailable)
        out[i] = load_copies(ids[i], n);
      else
        out[i] = load_copies(ids[i], std::nullopt);
    }
  }
  return out;
}

StoreStatus ReplicatedStore::write_replica(Node& n, std::string_view id, const Session& s,
                                           std::chrono::seconds ttl) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    LoadResult r = n.store->load(id);
    note(n, r.status);
    if (r.status == StoreStatus::unavailable) return StoreStatus::unavailable;
    StoreStatus st;
    if (r.status != StoreStatus::ok) {
      st = n.store->create(id, s, ttl);
    } else {
      const Session& held = *r.session;
      if (held.version >= s.version) {
        // Newer or equal: fine when it came through the same primary (a later write of ours
        // got here first); a write another primary accepted means the copies diverged.
        return held.origin == s.origin ? StoreStatus::ok : StoreStatus::conflict;
      }
      st = n.store->save(id, s, ttl, r.cas);
    }
    note(n, st);
    if (st != StoreStatus::conflict) return st;
  }
  return StoreStatus::conflict;
}

StoreStatus ReplicatedStore::write_replicas(const std::vector<std::size_t>& copies,
                                            std::string_view id, const Session& s,
                                            std::chrono::seconds ttl) {
  StoreStatus result = StoreStatus::ok;
  for (std::size_t k = 1; k < copies.size(); ++k) {
    StoreStatus st = write_replica(*nodes_[copies[k]], id, s, ttl);
    if (st == StoreStatus::conflict) {
      stats_.divergences++;
      result = StoreStatus::conflict;
    } else if (st != StoreStatus::ok) {
      stats_.replica_write_failures++;  // a dead copy: refilled by reads once it returns
    }
  }
  return result;
}

template <typename PrimaryWrite>
StoreStatus ReplicatedStore::write_all(std::string_view id, const Session& s,
                                       std::chrono::seconds ttl, PrimaryWrite&& write) {
  auto copies = live_copies(id);
  // The first copy that answers is the primary: the conditional write happens there only.
  for (std::size_t k = 0; k < copies.size(); ++k) {
    Node& n = *nodes_[copies[k]];
    Session stamped = s;
    stamped.origin = static_cast<std::uint32_t>(copies[k] + 1);
    StoreStatus st = write(*n.store, stamped);
    note(n, st);
    if (st == StoreStatus::unavailable) continue;
    if (st != StoreStatus::ok) return st;  // conflict or not_found: the caller re-reads
    std::vector<std::size_t> rest(copies.begin() + static_cast<long>(k), copies.end());
    // A diverged copy means another instance took over as primary while this write was on
    // its way: the write is not acknowledged (503), so no acknowledged update can be lost.
    return write_replicas(rest, id, stamped, ttl) == StoreStatus::conflict
               ? StoreStatus::unavailable
               : StoreStatus::ok;
  }
  return StoreStatus::unavailable;
}

StoreStatus ReplicatedStore::save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                                  std::uint64_t cas) {
  return write_all(id, s, ttl, [&](SessionStore& store, const Session& v) {
    return store.save(id, v, ttl, cas);
  });
}

StoreStatus ReplicatedStore::create(std::string_view id, const Session& s,
                                    std::chrono::seconds ttl) {
  return write_all(id, s, ttl,
                   [&](SessionStore& store, const Session& v) { return store.create(id, v, ttl); });
}

StoreStatus ReplicatedStore::remove(std::string_view id) {
  StoreStatus result = StoreStatus::unavailable;
  for (auto i : copies_of(id)) {
    StoreStatus st = nodes_[i]->store->remove(id);
    note(*nodes_[i], st);
    if (st == StoreStatus::ok)
      result = StoreStatus::ok;
    else if (st == StoreStatus::not_found && result != StoreStatus::ok)
      result = st;
  }
  return result;
}

StoreStatus ReplicatedStore::try_lock(std::string_view id, std::string_view owner,
                                      std::chrono::seconds ttl) {
  for (auto i : live_copies(id)) {
    StoreStatus st = nodes_[i]->store->try_lock(id, owner, ttl);
    note(*nodes_[i], st);
    if (st != StoreStatus::unavailable) return st;
  }
  return StoreStatus::unavailable;
}

StoreStatus ReplicatedStore::unlock(std::string_view id, std::string_view owner) {
  for (auto i : live_copies(id)) {
    StoreStatus st = nodes_[i]->store->unlock(id, owner);
    note(*nodes_[i], st);
    if (st != StoreStatus::unavailable) return st;
  }
  return StoreStatus::unavailable;
}

StoreStatus ReplicatedStore::ping() {
  for (auto& n : nodes_)
    if (usable(*n) && n->store->ping() == StoreStatus::ok) return StoreStatus::ok;
  return StoreStatus::unavailable;
}

}  // namespace sessdemo
