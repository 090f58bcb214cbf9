#pragma once
// One session as a register (scenarios visit and logout), for the one checker
// (operation_checker.hpp says the rule and why it is complete). A write carries a name, numbered
// in the order the client wrote them ("<tag>-c<client>-w<seq>"); a logout leaves no name.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/name_table.hpp"

namespace sessdemo::loadgen {

// How a read of a session reads against the model: a read's judgement (a check is a limit; the
// verdict is the run's).
//  legal:           some order of the operations explains it (a hit)
//  miss:            no name after an acknowledged write (read-your-writes)
//  stale:           an older name after an acknowledged newer write (read-your-writes)
//  monotonic:       a value older than one this client already saw (monotonic reads)
//  foreign:         a value this key never had: another client's name, another run's, any text
//  refused_applied: the name of a write the server refused (`fail`)
//  resurrected:     the session's name after an acknowledged logout
enum class Judgement : std::uint8_t {
  legal,
  miss,
  stale,
  monotonic,
  foreign,
  refused_applied,
  resurrected
};
inline constexpr NameTable<Judgement, 7> judgement_names{
    {{{Judgement::legal, "legal"},
      {Judgement::miss, "miss"},
      {Judgement::stale, "stale"},
      {Judgement::monotonic, "monotonic"},
      {Judgement::foreign, "foreign"},
      {Judgement::refused_applied, "refused-applied"},
      {Judgement::resurrected, "resurrected"}}}};
inline const char* to_string(Judgement v) {
  return judgement_names.name(v);
}

class RegisterModel {
 public:
  // A write (present: a name of sequence seq) or a logout (no name), and where it was done.
  struct Mutation {
    bool present = false;
    std::uint32_t seq = 0;
    std::string_view name;                    // as written, for proofs
    std::int64_t invoked = 0, completed = 0;  // ns
    std::string_view instance;
  };
  void ok(const Mutation& m);    // took effect between its invoke and completion
  void info(const Mutation& m);  // may take effect at any later time, or never
  void fail(const Mutation& m);  // never took effect

  // What a read showed: no name, one of this key's names, or anything else.
  struct Shown {
    enum class What : std::uint8_t { none, own, other } what = What::none;
    std::uint32_t seq = 0;  // own
    std::string_view text;  // as shown, for the proof
  };
  struct Reading {
    Judgement judgement{};
    std::string proof;  // an anomaly: what the read contradicts
    bool late = false;  // legal by an `info` operation placed after a later acknowledged one
    std::string late_proof;
  };
  // The read, for proofs (put in words only when a proof is written).
  struct At {
    std::uint32_t client = 0;
    std::int64_t invoked = 0, completed = 0;
    std::string_view instance;
    std::string words() const;
  };
  // Judges a read (one of the key's register operations at a time) and moves the model on: an
  // `info` operation the read shows is placed before it.
  Reading read(const Shown& shown, const At& at);

 private:
  struct Pending {
    bool present = false;
    std::uint32_t seq = 0;
    std::string name;
    std::int64_t invoked = 0;
    std::uint64_t definite_at_invoke = 0;
  };
  enum class Origin : std::uint8_t { initial, acked, placed };
  void wrote(std::uint32_t seq);
  std::string value_text() const;
  std::string set_by() const;

  bool present_ = false;  // a name (else none: a new session, or an ended one)
  std::uint32_t seq_ = 0;
  std::string name_;  // the name, as written
  Origin origin_ = Origin::initial;
  std::int64_t by_invoked_ = 0, by_completed_ = 0;  // the operation that set the value
  std::string by_instance_;
  std::uint32_t written_ = 0;           // ... an `ok` or `info` write carried
  std::uint64_t definite_ = 0;          // `ok` writes and logouts so far
  std::vector<Pending> pending_;        // `info` writes and logouts not placed yet
  std::vector<std::uint32_t> refused_;  // names above written_ that only `fail` writes carried
};

}  // namespace sessdemo::loadgen
