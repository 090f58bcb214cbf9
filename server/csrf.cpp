#include "server/csrf.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "sessions/session_id.hpp"

namespace sessdemo {

std::string CsrfTokens::token_for(std::string_view nonce) const {
  if (secret_.empty()) return std::string(nonce);
  // The purpose goes in first, so this key signs nothing else by accident.
  std::string message = "sessdemo csrf v1\n";
  message += nonce;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len) ||
      len < 16)
    throw std::runtime_error("HMAC-SHA256 failed");
  return session_id_from_bytes(mac);  // 128 bits of the MAC, shaped as a session id
}

std::string CsrfTokens::new_nonce() {
  return new_session_id();
}

std::string CsrfTokens::cookie(std::string_view nonce, bool secure) {
  std::string c(csrf_cookie_name);
  c += '=';
  c += nonce;
  c += "; Path=/; HttpOnly; SameSite=Lax";
  if (secure) c += "; Secure";
  return c;
}

bool tokens_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace sessdemo
