#pragma once
// Form tokens (serve --csrf) for visitors who have no session yet, without a store write.
//
// A visitor without a session gets a pre-session cookie (sessdemo_csrf, a random nonce) and a
// form token made from it: with a farm secret (--csrf-secret FILE, the same file on every
// instance) the token is an HMAC-SHA256 of the nonce under that secret (signed double submit),
// so a cookie planted from elsewhere cannot be paired with a token of the planter's choosing;
// without one it is the nonce itself (plain double submit, weaker: say so in the log). The first
// write that presents the token creates the session and keeps the token in it, and from then on
// the session's own token is the one checked (synchronizer token), as before.
#include <string>
#include <string_view>

namespace sessdemo {

inline constexpr std::string_view csrf_cookie_name = "sessdemo_csrf";

class CsrfTokens {
 public:
  // secret: the bytes of --csrf-secret, or empty for plain double submit.
  explicit CsrfTokens(std::string secret = {}) : secret_(std::move(secret)) {}
  bool signed_tokens() const { return !secret_.empty(); }
  // The form token that goes with a pre-session nonce (both shaped as session ids).
  std::string token_for(std::string_view nonce) const;
  static std::string new_nonce();
  static std::string cookie(std::string_view nonce, bool secure);

 private:
  std::string secret_;
};

// Compares in full whatever differs, so timing tells nothing of where.
bool tokens_equal(std::string_view a, std::string_view b);

}  // namespace sessdemo
