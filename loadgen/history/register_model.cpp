#include "loadgen/history/register_model.hpp"

#include <algorithm>
#include <cstdio>

#include "loadgen/history/history_event.hpp"

namespace sessdemo::loadgen {

namespace {
std::string shown_text(const RegisterModel::Shown& s) {
  return s.what == RegisterModel::Shown::What::none ? std::string("no name") : std::string(s.text);
}
}  // namespace

void RegisterModel::wrote(std::uint32_t seq) {
  written_ = std::max(written_, seq);
  std::erase_if(refused_, [&](std::uint32_t r) { return r <= written_; });
}

void RegisterModel::ok(const Mutation& m) {
  if (m.present) wrote(m.seq);
  present_ = m.present;
  seq_ = m.seq;
  name_.assign(m.name);
  origin_ = Origin::acked;
  by_invoked_ = m.invoked;
  by_completed_ = m.completed;
  by_instance_.assign(m.instance);
  definite_++;
}

void RegisterModel::info(const Mutation& m) {
  if (m.present) wrote(m.seq);
  pending_.push_back(Pending{m.present, m.seq, std::string(m.name), m.invoked, definite_});
}

void RegisterModel::fail(const Mutation& m) {
  // Names are numbered in the order they were written: one at or below the highest written
  // was written by an `ok` or `info` write, whatever this refusal.
  if (m.present && m.seq > written_ &&
      std::find(refused_.begin(), refused_.end(), m.seq) == refused_.end())
    refused_.push_back(m.seq);
}

std::string RegisterModel::value_text() const {
  return present_ ? name_ : std::string("no name");
}

std::string RegisterModel::set_by() const {
  if (origin_ == Origin::placed)
    return "an earlier read showed " + value_text() +
           " (written by an operation of unknown outcome invoked at " + time_text(by_invoked_) +
           ")";
  std::string what =
      present_ ? value_text() + " was acknowledged" : std::string("the logout was acknowledged");
  return what + " at " + time_text(by_completed_) + " (invoked at " + time_text(by_invoked_) +
         ", answered by " + (by_instance_.empty() ? std::string("?") : by_instance_) + ")";
}

std::string RegisterModel::At::words() const {
  return "the read of c" + std::to_string(client) + " invoked at " + time_text(invoked) +
         ", answered at " + time_text(completed) + " by " +
         (instance.empty() ? std::string("?") : std::string(instance));
}

RegisterModel::Reading RegisterModel::read(const Shown& s, const At& at) {
  using What = Shown::What;
  Reading r;
  r.judgement = Judgement::legal;
  const bool none = s.what == What::none;
  if (none ? !present_ : (s.what == What::own && present_ && seq_ == s.seq)) return r;
  if (s.what != What::other) {
    // An operation of unknown outcome that shows: placed just before this read.
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) {
      return none ? !p.present : p.present && p.seq == s.seq;
    });
    if (it != pending_.end()) {
      if (it->definite_at_invoke < definite_) {
        r.late = true;
        r.late_proof = at.words() + " showed " + shown_text(s) + ": its write, invoked at " +
                       time_text(it->invoked) +
                       " and given up (outcome unknown), took effect after " + set_by();
      }
      present_ = it->present;
      seq_ = it->seq;
      name_ = std::move(it->name);
      origin_ = Origin::placed;
      by_invoked_ = it->invoked;
      by_completed_ = -1;
      by_instance_.clear();
      pending_.erase(it);
      return r;
    }
  }
  const bool own_written = s.what == What::own && s.seq <= written_;
  const std::string where = at.words();
  if (s.what == What::own && std::find(refused_.begin(), refused_.end(), s.seq) != refused_.end()) {
    r.judgement = Judgement::refused_applied;
    r.proof = where + " showed " + shown_text(s) +
              ", whose every write was refused (fail): the server said no and did it";
  } else if (!none && !own_written) {
    r.judgement = Judgement::foreign;
    r.proof = where + " showed " + shown_text(s) + ", which this session never had";
  } else if (origin_ == Origin::placed) {
    r.judgement = Judgement::monotonic;
    r.proof = where + " showed " + shown_text(s) + ", older than what " + set_by();
  } else if (none) {
    r.judgement = Judgement::miss;
    r.proof = where + " showed no name, but " + set_by();
  } else if (!present_) {
    r.judgement = Judgement::resurrected;
    r.proof = where + " showed " + shown_text(s) + " after " + set_by();
  } else {
    r.judgement = Judgement::stale;
    r.proof = where + " showed " + shown_text(s) + ", but " + set_by();
  }
  return r;
}

}  // namespace sessdemo::loadgen
