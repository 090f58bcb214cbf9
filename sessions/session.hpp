#pragma once
// The session value kept in a store, and its byte encoding.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sessdemo {

struct Session {
  std::optional<std::string> name;  // absent until the visitor saves one
  std::int64_t visits = 0;          // counter bumped by POST /api/session/visits
  std::int64_t created = 0;         // unix seconds; the absolute lifetime counts from here
  std::int64_t refreshed = 0;       // unix seconds of the last sliding-expiry refresh
  std::uint64_t version = 0;        // bumped on every write, so copies can be ordered
  // Who made this version: one meaning, "which write", so that two writes of one version are
  // told apart (and ordered, deterministically, when they must be). Each store fills it its own
  // way: --copies 2 with 1 + the index of the primary node that took the write (a later write
  // of the same primary against one made elsewhere during a failover), quorum copies with a
  // random tag per write; 0 with a single store.
  std::uint32_t write_tag = 0;
  std::string csrf;    // serve --csrf: the session's form token (synchronizer
                       // token), empty without one
  bool ended = false;  // a tombstone: the session was ended at this version (quorum
                       // copies write one instead of deleting, so that a copy that
                       // missed the removal cannot bring the session back)
};

// What a decoded value may hold (anything else is corrupt): a version below the maximum (the next
// write must be able to count past it), a counter that can still count (and that JSON readers
// take exactly), a name of at most this many bytes of UTF-8 without control characters.
inline constexpr std::uint64_t max_session_version = UINT64_MAX;
inline constexpr std::int64_t max_visits = std::int64_t{1} << 53;
inline constexpr std::size_t max_stored_name_bytes = 400;

// A small text value:
// "sd1 <version> <created> <refreshed> <visits> <write_tag> <name-length|->\n<name>", or with a
// CSRF token "sd2 <version> <created> <refreshed> <visits> <write_tag> <token>
// <name-length|->\n<name>" (a session without a token is written as sd1, so instances without
// --csrf read it); a tombstone is "sd0 <version> <write_tag>\n".
std::string encode_session(const Session& s);

// Returns nothing for a value that is not a well-formed encoding.
std::optional<Session> decode_session(std::string_view bytes);

}  // namespace sessdemo
