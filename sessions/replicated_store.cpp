#include "sessions/replicated_store.hpp"

#include <algorithm>
#include <stdexcept>

namespace sessdemo {

ReplicatedStore::ReplicatedStore(std::vector<ReplicaNode> nodes, ReplicationOptions repl)
    : repl_(repl), ring_(std::move(nodes), repl.health, stats_.ejections) {
  if (repl_.copies == 0 || repl_.copies > ring_.size())
    throw std::invalid_argument("--copies must be between 1 and the number of memcached nodes");
}

std::vector<std::size_t> ReplicatedStore::copies_of(std::string_view id) const {
  auto order = ring_.order(id);
  order.resize(std::min<std::size_t>(order.size(), repl_.copies));
  return order;
}

std::vector<std::size_t> ReplicatedStore::live_copies(std::string_view id) const {
  // The first `copies` nodes in ring order that are in rotation: while a node is out, the next
  // one takes its place, so a session keeps its number of copies. Too few in rotation: the
  // ejected ones are tried as well rather than none.
  auto order = ring_.order(id);
  std::vector<std::size_t> out;
  out.reserve(repl_.copies);
  for (auto i : order)
    if (out.size() < repl_.copies && ring_.usable(i)) out.push_back(i);
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
  // Reachable copies without the value, in ring order; corrupt: they hold bytes that are no
  // session (garbage, a truncated value, a newer codec), whose cas is kept.
  struct Missing {
    std::size_t node;
    bool corrupt;
    std::uint64_t cas;
  };
  std::vector<Missing> missing;
  bool any_answer = false;
  for (std::size_t k = 0; k < copies.size(); ++k) {
    if (failed_node && copies[k] == *failed_node) continue;
    LoadResult r = ring_.store(copies[k]).load(id);
    ring_.note(copies[k], r.status);
    if (r.status == StoreStatus::unavailable) continue;
    any_answer = true;
    if (r.status != StoreStatus::ok) {
      missing.push_back({copies[k], r.corrupt, r.cas});
      continue;
    }
    if (k > 0 || failed_node) stats_.fallbacks++;
    if (missing.empty()) return r;  // the first reachable copy had it: the common case
    // Found on a later copy: the newest of what is left wins, and the reachable copies before
    // it are refilled. The first of them is the primary, so its cas token is the one to use.
    for (std::size_t j = k + 1; j < copies.size(); ++j) {
      LoadResult o = ring_.store(copies[j]).load(id);
      ring_.note(copies[j], o.status);
      if (o.status == StoreStatus::ok && o.session->version > r.session->version) r = o;
    }
    for (const auto& m : missing) {
      // Bytes that are no session are replaced (while they are still those bytes, when the node
      // gave their cas); an empty copy is created.
      SessionStore& node = ring_.store(m.node);
      StoreStatus st = m.corrupt ? node.save(id, *r.session, repl_.repair_ttl, m.cas)
                                 : node.create(id, *r.session, repl_.repair_ttl);
      if (st == StoreStatus::ok) stats_.repairs++;
    }
    LoadResult primary = ring_.store(missing.front().node).load(id);
    ring_.note(missing.front().node, primary.status);
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
  std::vector<std::vector<std::size_t>> by_node(ring_.size());
  for (std::size_t i = 0; i < ids.size(); ++i) by_node[live_copies(ids[i]).front()].push_back(i);
  std::vector<std::string> group;
  for (std::size_t n = 0; n < ring_.size(); ++n) {
    if (by_node[n].empty()) continue;
    group.clear();
    for (auto i : by_node[n]) group.push_back(ids[i]);
    auto got = ring_.store(n).load_many(group);
    bool answered = std::any_of(got.begin(), got.end(), [](const LoadResult& r) {
      return r.status != StoreStatus::unavailable;
    });
    ring_.note(n, answered ? StoreStatus::ok : StoreStatus::unavailable);
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

StoreStatus ReplicatedStore::write_replica(std::size_t node, std::string_view id, const Session& s,
                                           std::chrono::seconds ttl) {
  SessionStore& store = ring_.store(node);
  for (int attempt = 0; attempt < 4; ++attempt) {
    LoadResult r = store.load(id);
    ring_.note(node, r.status);
    if (r.status == StoreStatus::unavailable) return StoreStatus::unavailable;
    StoreStatus st;
    if (r.corrupt) {
      st = store.save(id, s, ttl, r.cas);  // bytes that are no session: replaced, never a 503
    } else if (r.status != StoreStatus::ok) {
      st = store.create(id, s, ttl);
    } else {
      const Session& held = *r.session;
      if (held.version >= s.version) {
        // Newer or equal: fine when it came through the same primary (a later write of ours
        // got here first); a write another primary accepted means the copies diverged.
        return held.write_tag == s.write_tag ? StoreStatus::ok : StoreStatus::conflict;
      }
      st = store.save(id, s, ttl, r.cas);
    }
    ring_.note(node, st);
    if (st != StoreStatus::conflict) return st;
  }
  return StoreStatus::conflict;
}

StoreStatus ReplicatedStore::write_replicas(const std::vector<std::size_t>& copies,
                                            std::string_view id, const Session& s,
                                            std::chrono::seconds ttl) {
  StoreStatus result = StoreStatus::ok;
  for (std::size_t k = 1; k < copies.size(); ++k) {
    StoreStatus st = write_replica(copies[k], id, s, ttl);
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
    Session stamped = s;
    stamped.write_tag = static_cast<std::uint32_t>(copies[k] + 1);
    StoreStatus st = write(ring_.store(copies[k]), stamped);
    ring_.note(copies[k], st);
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
  // Not a delete: a tombstone, the next version marked ended, written on the primary only if
  // the value is still the one read (cas), and on the backups only over older versions. A
  // writer already past its read then loses its cas on the primary, and its backup write, being
  // older than the tombstone, can no longer re-create a copy that a read would repair the
  // primary from: the logout sticks. Answers ok only once the primary holds the tombstone.
  for (int attempt = 0; attempt < 8; ++attempt) {
    LoadResult r = load(id);
    if (r.status != StoreStatus::ok) return r.status;  // not_found: gone already
    if (r.session->ended) return StoreStatus::ok;
    Session tombstone;
    tombstone.ended = true;
    tombstone.version = r.session->version + 1;
    StoreStatus st = save(id, tombstone, repl_.repair_ttl, r.cas);
    if (st != StoreStatus::conflict && st != StoreStatus::not_found) return st;
  }
  return StoreStatus::conflict;  // written meanwhile every time: the caller answers 503
}

StoreStatus ReplicatedStore::try_lock(std::string_view id, std::string_view owner,
                                      std::chrono::seconds ttl) {
  for (auto i : live_copies(id)) {
    StoreStatus st = ring_.store(i).try_lock(id, owner, ttl);
    ring_.note(i, st);
    if (st != StoreStatus::unavailable) return st;
  }
  return StoreStatus::unavailable;
}

StoreStatus ReplicatedStore::unlock(std::string_view id, std::string_view owner) {
  for (auto i : live_copies(id)) {
    StoreStatus st = ring_.store(i).unlock(id, owner);
    ring_.note(i, st);
    if (st != StoreStatus::unavailable) return st;
  }
  return StoreStatus::unavailable;
}

StoreStatus ReplicatedStore::ping() {
  for (std::size_t i = 0; i < ring_.size(); ++i)
    if (ring_.usable(i) && ring_.store(i).ping() == StoreStatus::ok) return StoreStatus::ok;
  return StoreStatus::unavailable;
}

std::shared_ptr<NodeStatsSource> ReplicatedStore::node_stats_source() {
  std::vector<std::shared_ptr<NodeStatsSource>> parts;
  for (std::size_t i = 0; i < ring_.size(); ++i)
    parts.push_back(ring_.store(i).node_stats_source());
  return all_node_stats(std::move(parts));
}

std::vector<NodeStats> ReplicatedStore::node_stats() {
  std::vector<NodeStats> out;
  for (std::size_t i = 0; i < ring_.size(); ++i)
    for (auto& n : ring_.store(i).node_stats()) out.push_back(std::move(n));
  return out;
}

}  // namespace sessdemo
