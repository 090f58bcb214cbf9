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

bool same_value(const LoadResult& a, const LoadResult& b) {
  if (a.status != b.status) return false;
  if (a.status != StoreStatus::ok) return true;  // both without a value
  return a.session->version == b.session->version && a.session->origin == b.session->origin;
}

// Splits what is left of this thread's deadline between the copies still to be asked, so that
// an unreachable copy (which answers only at its timeout) cannot use the time the others need.
class NodeTime {
 public:
  explicit NodeTime(std::size_t nodes) : left_(std::max<std::size_t>(nodes, 1)) {}
  // The deadline for the next copy's calls; none when the thread has none.
  deadline::Clock::time_point next() {
    auto end = deadline::current();
    if (end == deadline::Clock::time_point::max()) return end;
    auto now = deadline::Clock::now();
    auto share = end > now ? (end - now) / static_cast<long>(left_) : deadline::Clock::duration{};
    if (left_ > 1) --left_;
    return now + share;
  }

 private:
  std::size_t left_;
};

LoadResult with_cas_token(LoadResult r) {
  // The token only says "conditional": a copy takes a write only over an older version anyway.
  if (r.status == StoreStatus::ok) r.cas = r.session->version == 0 ? 1 : r.session->version;
  return r;
}
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
                                  std::chrono::seconds ttl, bool create, bool break_tie) {
  SessionStore& store = ring_.store(node);
  for (int attempt = 0; attempt < 4; ++attempt) {
    LoadResult r = store.load(id);
    ring_.note(node, r.status);
    if (r.status == StoreStatus::unavailable) return Put::unavailable;
    StoreStatus st;
    if (r.status == StoreStatus::ok) {
      const Session& held = *r.session;
      if (held.version == s.version && held.origin == s.origin) return Put::accepted;
      // Of values of one version that no majority holds (none was acknowledged), the one with
      // the higher tag wins, so copies split three ways converge instead of refusing for good.
      bool loses_tie = break_tie && held.version == s.version && held.origin < s.origin;
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

StoreStatus QuorumStore::write(std::string_view id, Session s, std::chrono::seconds ttl,
                               bool create) {
  s.origin = fresh_tag();
  auto order = ask_order(id);
  std::size_t accepted = 0, refused = 0;
  NodeTime time(order.size());
  for (auto node : order) {
    // Copies out of rotation come last, and are asked only when a majority is still missing.
    if (accepted >= majority() && !ring_.usable(node)) break;
    Put p;
    {
      deadline::Scope scope(time.next());
      p = put(node, id, s, ttl, create);
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
    if (r.status == StoreStatus::ok && r.session->version >= next.version) next.version = r.session->version + 1;
    StoreStatus st = write(id, next, ttl, false);
    if (st != StoreStatus::conflict) return st;
  }
  return StoreStatus::conflict;
}

StoreStatus QuorumStore::create(std::string_view id, const Session& s, std::chrono::seconds ttl) {
  return write(id, s, ttl, true);
}

LoadResult QuorumStore::load(std::string_view id) {
  auto order = ask_order(id);
  std::vector<Answer> answers;
  NodeTime time(order.size());
  for (auto node : order) {
    // A majority that agrees settles it; otherwise every copy is asked.
    if (answers.size() >= majority() &&
        std::all_of(answers.begin(), answers.end(),
                    [&](const Answer& a) { return same_value(a.result, answers[0].result); }))
      break;
    LoadResult r;
    {
      deadline::Scope scope(time.next());
      r = ring_.store(node).load(id);
    }
    ring_.note(node, r.status);
    if (r.status != StoreStatus::unavailable) answers.push_back({node, std::move(r)});
  }
  return settle(id, answers);
}

LoadResult QuorumStore::settle(std::string_view id, std::vector<Answer>& answers) {
  auto failure = [this] {
    stats_.quorum_failures++;
    LoadResult r;
    r.status = StoreStatus::unavailable;
    r.error = "fewer than a majority of the session's copies answered";
    return r;
  };
  if (answers.size() < majority()) return failure();
  auto holders_of = [&](const LoadResult& v) {
    return static_cast<std::size_t>(std::count_if(
        answers.begin(), answers.end(), [&](const Answer& a) { return same_value(a.result, v); }));
  };
  // The value to return: the highest version any copy holds and, of two values of that
  // version (a write that lost to another), the one more copies hold. Returning an older value
  // because a majority holds it would leave the newer one in the way of every later write of
  // its version; so the newest is taken, and written back below until a majority holds it.
  const LoadResult* newest = nullptr;
  std::size_t newest_holders = 0;
  for (const auto& a : answers) {
    if (a.result.status != StoreStatus::ok) continue;
    std::size_t h = holders_of(a.result);
    const Session& v = *a.result.session;
    if (!newest || v.version > newest->session->version ||
        (v.version == newest->session->version &&
         (h > newest_holders || (h == newest_holders && v.origin > newest->session->origin)))) {
      newest = &a.result;
      newest_holders = h;
    }
  }
  if (!newest) {
    // No copy that answered has it: a miss (a majority answered, and they agree).
    stats_.quorum_reads++;
    LoadResult miss;
    miss.corrupt = std::any_of(answers.begin(), answers.end(),
                               [](const Answer& a) { return a.result.corrupt; });
    return miss;
  }
  // A split: every copy answered, every one holds a value of the newest version, and no value
  // holds a majority. No write of that version was acknowledged, and none can still be: a copy
  // refuses a write of a version it holds already. Only then may the highest tag replace the
  // others, and every reader that finds the split picks the same one (replacing never removes
  // the highest tag). Where a copy is silent or older, a write of the newest version may still
  // be on its way to a majority; its value must not be replaced then, so no tie is broken.
  // (Left open: memcached evicting a copy in the middle of a split lets a pending write be taken
  // there; eviction loses sessions in any case, see README "Cache eviction".)
  const std::uint64_t top = newest->session->version;
  bool split = answers.size() >= repl_.copies && newest_holders < majority() &&
               std::all_of(answers.begin(), answers.end(), [&](const Answer& a) {
                 return a.result.status == StoreStatus::ok && a.result.session->version == top;
               });
  if (split)
    for (const auto& a : answers)
      if (a.result.session->origin > newest->session->origin) newest = &a.result;
  LoadResult result = *newest;
  std::size_t holders = holders_of(result);
  bool break_tie = split;
  // Bring the copies that answered up to the value: repairs of old or missing copies, and for a
  // value not yet on a majority, the write-back that makes it one before it is returned.
  NodeTime time(answers.size());
  for (const auto& a : answers) {
    if (same_value(a.result, result)) continue;
    deadline::Scope scope(time.next());
    if (put(a.node, id, *result.session, repl_.repair_ttl, false, break_tie) == Put::accepted) {
      stats_.repairs++;
      ++holders;
    }
  }
  if (holders < majority()) return failure();
  stats_.quorum_reads++;
  if (result.session->ended) return LoadResult{};  // ended: its tombstone is what a majority holds
  return with_cas_token(std::move(result));
}

std::vector<LoadResult> QuorumStore::load_many(const std::vector<std::string>& ids) {
  std::vector<LoadResult> out(ids.size());
  // Each id is asked of the first majority of its copies in ask order; one batch per node.
  std::vector<std::vector<std::size_t>> by_node(ring_.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto order = ask_order(ids[i]);
    for (std::size_t k = 0; k < majority(); ++k) by_node[order[k]].push_back(i);
  }
  std::vector<std::vector<LoadResult>> got(ids.size());
  std::vector<bool> short_of_answers(ids.size(), false);
  std::vector<std::string> group;
  NodeTime time(static_cast<std::size_t>(
      std::count_if(by_node.begin(), by_node.end(), [](const auto& g) { return !g.empty(); })));
  for (std::size_t n = 0; n < ring_.size(); ++n) {
    if (by_node[n].empty()) continue;
    group.clear();
    for (auto i : by_node[n]) group.push_back(ids[i]);
    std::vector<LoadResult> answers;
    {
      deadline::Scope scope(time.next());
      answers = ring_.store(n).load_many(group);
    }
    bool answered = std::any_of(answers.begin(), answers.end(), [](const LoadResult& r) {
      return r.status != StoreStatus::unavailable;
    });
    ring_.note(n, answered ? StoreStatus::ok : StoreStatus::unavailable);
    for (std::size_t k = 0; k < group.size(); ++k) {
      std::size_t i = by_node[n][k];
      if (answers[k].status == StoreStatus::unavailable)
        short_of_answers[i] = true;
      else
        got[i].push_back(std::move(answers[k]));
    }
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& a = got[i];
    bool agree = !short_of_answers[i] && a.size() >= majority() &&
                 std::all_of(a.begin(), a.end(), [&](const LoadResult& r) { return same_value(r, a[0]); });
    if (agree) {
      stats_.quorum_reads++;
      bool ended = a[0].status == StoreStatus::ok && a[0].session->ended;
      out[i] = ended ? LoadResult{} : with_cas_token(a[0]);
    } else {
      out[i] = load(ids[i]);  // disagreement or a silent copy: ask them all, settle, repair
    }
  }
  return out;
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
  NodeTime time(order.size());
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

std::vector<NodeStats> QuorumStore::node_stats() {
  std::vector<NodeStats> out;
  for (std::size_t i = 0; i < ring_.size(); ++i)
    for (auto& n : ring_.store(i).node_stats()) out.push_back(std::move(n));
  return out;
}

}  // namespace sessdemo
