// The quorum store's reads: a majority of the copies asked, the newest version that a majority
// holds (or, once no write of it can still land, the tie broken for the highest tag) returned,
// and the copies that lag behind repaired.
#include <algorithm>

#include "sessions/deadline.hpp"
#include "sessions/quorum_store.hpp"

namespace sessdemo {

namespace {
bool same_value(const LoadResult& a, const LoadResult& b) {
  // Bytes that are no session are no evidence of absence, nor of anything: a corrupt copy agrees
  // with no other copy (another corrupt one included), so two of them never outvote the copy
  // that holds the value, whichever copies were asked first.
  if (a.corrupt || b.corrupt) return false;
  if (a.status != b.status) return false;
  if (a.status != StoreStatus::ok) return true;  // both without a value
  return a.session->version == b.session->version && a.session->write_tag == b.session->write_tag;
}

LoadResult with_cas_token(LoadResult r) {
  // The token only says "conditional": a copy takes a write only over an older version anyway.
  if (r.status == StoreStatus::ok) r.cas = r.session->version == 0 ? 1 : r.session->version;
  return r;
}
}  // namespace

std::vector<std::vector<LoadResult>> QuorumStore::ask_at_once(
    const std::vector<std::size_t>& nodes, const std::vector<std::vector<std::string>>& ids) {
  std::vector<PendingLoad> pending(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k)
    ring_.store(nodes[k]).send_many(ids[k], pending[k]);
  std::vector<std::vector<LoadResult>> answers(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    answers[k] = ring_.store(nodes[k]).receive_many(pending[k]);
    bool answered = std::any_of(answers[k].begin(), answers[k].end(), [](const LoadResult& r) {
      return r.status != StoreStatus::unavailable;
    });
    ring_.note(nodes[k],
               answered || answers[k].empty() ? StoreStatus::ok : StoreStatus::unavailable);
  }
  return answers;
}

LoadResult QuorumStore::load(std::string_view id) {
  auto order = ask_order(id);
  std::vector<Answer> answers;
  deadline::Shares time(order.size());
  // The first majority at once; the other copies, one after another, only when those disagree
  // or one of them is silent.
  const std::size_t first = std::min(majority(), order.size());
  {
    deadline::Scope scope(time.next(first));
    std::vector<std::size_t> nodes(order.begin(), order.begin() + static_cast<long>(first));
    auto got = ask_at_once(nodes, std::vector<std::vector<std::string>>(first, {std::string(id)}));
    for (std::size_t k = 0; k < first; ++k)
      if (got[k][0].status != StoreStatus::unavailable)
        answers.push_back({nodes[k], std::move(got[k][0])});
  }
  for (std::size_t k = first; k < order.size(); ++k) {
    // A majority that agrees settles it; otherwise every copy is asked.
    if (answers.size() >= majority() &&
        std::all_of(answers.begin(), answers.end(),
                    [&](const Answer& a) { return same_value(a.result, answers[0].result); }))
      break;
    LoadResult r;
    {
      deadline::Scope scope(time.next());
      r = ring_.store(order[k]).load(id);
    }
    ring_.note(order[k], r.status);
    if (r.status != StoreStatus::unavailable) answers.push_back({order[k], std::move(r)});
  }
  bool agreed = answers.size() >= majority() &&
                std::all_of(answers.begin(), answers.end(), [&](const Answer& a) {
                  return same_value(a.result, answers[0].result);
                });
  if (agreed)
    remember(id, answers);
  else
    forget();
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
         (h > newest_holders ||
          (h == newest_holders && v.write_tag > newest->session->write_tag)))) {
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
      if (a.result.session->write_tag > newest->session->write_tag) newest = &a.result;
  LoadResult result = *newest;
  std::size_t holders = holders_of(result);
  bool break_tie = split;
  // Bring the copies that answered up to the value: repairs of old or missing copies, and for a
  // value not yet on a majority, the write-back that makes it one before it is returned.
  deadline::Shares time(answers.size());
  for (const auto& a : answers) {
    if (same_value(a.result, result)) continue;
    deadline::Scope scope(time.next());
    if (put(a.node, id, *result.session, repl_.repair_ttl, false, break_tie, &a.result) ==
        Put::accepted) {
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
  const std::size_t q = majority();
  // Each id is asked of the first majority of its copies in ask order; one batch per node.
  std::vector<std::vector<std::size_t>> by_node(ring_.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto order = ask_order(ids[i]);
    for (std::size_t k = 0; k < q; ++k) by_node[order[k]].push_back(i);
  }
  // Id i's answers are got[i * q] .. got[i * q + answered[i] - 1]: one array for the batch.
  std::vector<LoadResult> got(ids.size() * q);
  std::vector<std::size_t> answered(ids.size(), 0);
  std::vector<bool> short_of_answers(ids.size(), false);
  // One multi-get per node, all sent before any is waited for.
  std::vector<std::size_t> nodes;
  std::vector<std::vector<std::string>> groups;
  for (std::size_t n = 0; n < ring_.size(); ++n) {
    if (by_node[n].empty()) continue;
    nodes.push_back(n);
    groups.emplace_back();
    groups.back().reserve(by_node[n].size());
    for (auto i : by_node[n]) groups.back().push_back(ids[i]);
  }
  auto answers = ask_at_once(nodes, groups);
  for (std::size_t g = 0; g < nodes.size(); ++g) {
    for (std::size_t k = 0; k < groups[g].size(); ++k) {
      std::size_t i = by_node[nodes[g]][k];
      if (answers[g][k].status == StoreStatus::unavailable)
        short_of_answers[i] = true;
      else
        got[i * q + answered[i]++] = std::move(answers[g][k]);
    }
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    LoadResult* a = &got[i * q];
    bool agree =
        !short_of_answers[i] && answered[i] >= q &&
        std::all_of(a, a + answered[i], [&](const LoadResult& r) { return same_value(r, a[0]); });
    if (agree) {
      stats_.quorum_reads++;
      bool ended = a[0].status == StoreStatus::ok && a[0].session->ended;
      out[i] = ended ? LoadResult{} : with_cas_token(std::move(a[0]));
    } else {
      out[i] = load(ids[i]);  // disagreement or a silent copy: ask them all, settle, repair
    }
  }
  return out;
}

}  // namespace sessdemo
