#include "sessions/quorum_store.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "sessions/deadline.hpp"

namespace sessdemo {

namespace {
// A fresh tag for each write, so that two writes of the same version are told apart.
std::uint32_t fresh_tag() {
  thread_local std::mt19937 rng(std::random_device{}());
  std::uint32_t t = 0;
  while (t == 0) t = static_cast<std::uint32_t>(rng());
  return t;
}

// This thread's last agreed read (QuorumStore::remember).
struct RecentRead {
  const void* store = nullptr;
  std::string id;
  std::vector<std::pair<std::size_t, LoadResult>> copies;
};
thread_local RecentRead recent_read;

}  // namespace

QuorumStore::QuorumStore(std::vector<ReplicaNode> nodes, ReplicationOptions repl)
    : repl_(repl), ring_(std::move(nodes), repl.health, stats_.ejections) {
  if (repl_.copies < 3 || repl_.copies > ring_.size())
    throw std::invalid_argument(
        "quorum copies need --copies of at least 3 and at most the number of memcached nodes");
}

std::vector<std::size_t> QuorumStore::copies_of(std::string_view id) const {
  auto order = ring_.order(id);
  order.resize(repl_.copies);
  return order;
}

std::vector<std::size_t> QuorumStore::ask_order(std::string_view id) const {
  auto copies = copies_of(id);
  std::stable_partition(copies.begin(), copies.end(),
                        [this](std::size_t n) { return ring_.usable(n); });
  return copies;
}

QuorumStore::Put QuorumStore::put(std::size_t node, std::string_view id, const Session& s,
                                  std::chrono::seconds ttl, bool create, bool break_tie,
                                  const LoadResult* held_before) {
  SessionStore& store = ring_.store(node);
  for (int attempt = 0; attempt < 4; ++attempt) {
    LoadResult r;
    if (attempt == 0 && held_before) {
      r = *held_before;
    } else {
      r = store.load(id);
      ring_.note(node, r.status);
    }
    if (r.status == StoreStatus::unavailable) return Put::unavailable;
    StoreStatus st;
    if (r.status == StoreStatus::ok) {
      const Session& held = *r.session;
      if (held.version == s.version && held.write_tag == s.write_tag) return Put::accepted;
      // Of values of one version that no majority holds (none was acknowledged), the one with
      // the higher tag wins, so copies split three ways converge instead of refusing for good.
      bool loses_tie = break_tie && held.version == s.version && held.write_tag < s.write_tag;
      if (create || (held.version >= s.version && !loses_tie)) return Put::refused;
      st = store.save(id, s, ttl, r.cas);
    } else if (r.corrupt) {
      st = store.save(id, s, ttl, 0);  // bytes that are no session: nothing to keep
    } else {
      st = store.create(id, s, ttl);
    }
    ring_.note(node, st);
    if (st == StoreStatus::ok) return Put::accepted;
    if (st == StoreStatus::unavailable) return Put::unavailable;
    // conflict: the copy changed between the read and the write; look again
  }
  return Put::refused;
}

void QuorumStore::remember(std::string_view id, const std::vector<Answer>& answers) const {
  recent_read.store = this;
  recent_read.id.assign(id);
  recent_read.copies.clear();
  for (const auto& a : answers) recent_read.copies.emplace_back(a.node, a.result);
}

const LoadResult* QuorumStore::remembered(std::string_view id, std::size_t node) const {
  if (recent_read.store != this || recent_read.id != id) return nullptr;
  for (const auto& [n, r] : recent_read.copies)
    if (n == node) return &r;
  return nullptr;
}

void QuorumStore::forget() const {
  recent_read.store = nullptr;
}

std::vector<std::optional<LoadResult>> QuorumStore::held_by(std::string_view id,
                                                            const std::vector<std::size_t>& order,
                                                            bool create) {
  std::vector<std::optional<LoadResult>> held(order.size());
  std::vector<std::size_t> unknown, nodes;
  for (std::size_t k = 0; k < order.size() && ring_.usable(order[k]); ++k) {
    if (create) {
      held[k] = LoadResult{};  // nothing: the add fails where a value is
    } else if (const LoadResult* r = remembered(id, order[k])) {
      held[k] = *r;
    } else {
      unknown.push_back(k);
      nodes.push_back(order[k]);
    }
  }
  auto got =
      ask_at_once(nodes, std::vector<std::vector<std::string>>(nodes.size(), {std::string(id)}));
  for (std::size_t j = 0; j < unknown.size(); ++j) held[unknown[j]] = std::move(got[j][0]);
  return held;
}

StoreStatus QuorumStore::write(std::string_view id, Session s, std::chrono::seconds ttl,
                               bool create) {
  s.write_tag = fresh_tag();
  auto order = ask_order(id);
  std::size_t accepted = 0, refused = 0;
  deadline::Shares time(order.size() + 1);
  // What the copies in rotation hold; each conditional write below starts from its copy's value.
  std::vector<std::optional<LoadResult>> held;
  {
    deadline::Scope scope(time.next());
    held = held_by(id, order, create);
  }
  forget();  // the copies are about to change
  for (std::size_t k = 0; k < order.size(); ++k) {
    std::size_t node = order[k];
    // Copies out of rotation come last, and are asked only when a majority is still missing.
    if (accepted >= majority() && !ring_.usable(node)) break;
    Put p;
    {
      deadline::Scope scope(time.next());
      p = put(node, id, s, ttl, create, false, held[k] ? &*held[k] : nullptr);
    }
    if (p == Put::accepted) {
      ++accepted;
    } else if (p == Put::refused) {
      ++refused;
      // Every writer goes through the copies in the same order, so the first copy is where
      // two writers of one version meet: the one refused there stops before writing anything,
      // a clean conflict, instead of leaving its value on the copies the winner has not
      // reached yet (a write of unknown outcome, 503).
      if (accepted == 0) break;
    }
  }
  if (accepted >= majority()) {
    stats_.quorum_writes++;
    return StoreStatus::ok;
  }
  // A clean conflict the caller may retry: written nowhere, or refused by a majority (which
  // then holds another value of this version or a newer one, so the copies that took this
  // value are outvoted in every majority a read can ask, and it can never become the value).
  // Otherwise its outcome is unknown.
  if ((accepted == 0 && refused > 0) || refused >= majority()) return StoreStatus::conflict;
  stats_.quorum_failures++;
  return StoreStatus::unavailable;
}

StoreStatus QuorumStore::save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                              std::uint64_t cas) {
  if (cas != 0) return write(id, s, ttl, false);
  // cas 0 is an unconditional write (SessionStore's contract; --concurrency none): the last
  // writer wins. It takes the version after the newest a majority has, so it is never refused
  // for a version another writer took meanwhile.
  for (int attempt = 0; attempt < 4; ++attempt) {
    LoadResult r = load(id);
    if (r.status == StoreStatus::unavailable) return r.status;
    Session next = s;
    if (r.status == StoreStatus::ok && r.session->version >= next.version)
      next.version = r.session->version + 1;
    StoreStatus st = write(id, next, ttl, false);
    if (st != StoreStatus::conflict) return st;
  }
  return StoreStatus::conflict;
}

StoreStatus QuorumStore::create(std::string_view id, const Session& s, std::chrono::seconds ttl) {
  return write(id, s, ttl, true);
}

StoreStatus QuorumStore::remove(std::string_view id) {
  // Not a delete: a tombstone, the next version of the session marked ended, written to a
  // majority like any write. A copy that was out of reach keeps the old value, and is
  // outvoted and repaired with the tombstone; a delete would let it bring the session back.
  for (int attempt = 0; attempt < 8; ++attempt) {
    LoadResult r = load(id);
    if (r.status != StoreStatus::ok) return r.status;  // not_found: gone (or ended) already
    Session tombstone;
    tombstone.ended = true;
    tombstone.version = r.session->version + 1;
    StoreStatus st = write(id, tombstone, repl_.repair_ttl, false);
    if (st != StoreStatus::conflict) return st;  // a conflict: written meanwhile, look again
  }
  return StoreStatus::conflict;
}

StoreStatus QuorumStore::try_lock(std::string_view id, std::string_view owner,
                                  std::chrono::seconds ttl) {
  std::vector<std::size_t> held;
  bool contended = false;
  auto order = ask_order(id);
  deadline::Shares time(order.size());
  for (auto node : order) {
    if (held.size() >= majority() && !ring_.usable(node)) break;
    StoreStatus st;
    {
      deadline::Scope scope(time.next());
      st = ring_.store(node).try_lock(id, owner, ttl);
    }
    ring_.note(node, st);
    if (st == StoreStatus::ok)
      held.push_back(node);
    else if (st == StoreStatus::conflict)
      contended = true;
  }
  if (held.size() >= majority()) return StoreStatus::ok;
  // No majority: give back what was taken, so that another holder can get one.
  for (auto node : held) ring_.note(node, ring_.store(node).unlock(id, owner));
  if (!contended) stats_.quorum_failures++;
  return contended ? StoreStatus::conflict : StoreStatus::unavailable;
}

StoreStatus QuorumStore::unlock(std::string_view id, std::string_view owner) {
  return ring_.on_each(copies_of(id), [&](SessionStore& node) { return node.unlock(id, owner); });
}

StoreStatus QuorumStore::ping() {
  std::size_t answering = 0;
  for (std::size_t n = 0; n < ring_.size(); ++n)
    if (ring_.usable(n) && ring_.store(n).ping() == StoreStatus::ok) ++answering;
  return answering >= majority() ? StoreStatus::ok : StoreStatus::unavailable;
}

std::shared_ptr<NodeStatsSource> QuorumStore::node_stats_source() {
  std::vector<std::shared_ptr<NodeStatsSource>> parts;
  for (std::size_t i = 0; i < ring_.size(); ++i)
    parts.push_back(ring_.store(i).node_stats_source());
  return all_node_stats(std::move(parts));
}

std::vector<NodeStats> QuorumStore::node_stats() {
  std::vector<NodeStats> out;
  for (std::size_t i = 0; i < ring_.size(); ++i)
    for (auto& n : ring_.store(i).node_stats()) out.push_back(std::move(n));
  return out;
}

}  // namespace sessdemo
