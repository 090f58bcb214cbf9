#include "sessions/session_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <stdexcept>

namespace sessdemo {

namespace {
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Each byte's place in the alphabet, or -1: one look-up per character of an id being checked.
constexpr std::array<signed char, 256> alphabet_index = [] {
  std::array<signed char, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
  return t;
}();
}  // namespace

std::string new_session_id() {
  std::array<unsigned char, 16> raw{};
  std::size_t got = 0;
  while (got < raw.size()) {
    ssize_t n = getrandom(raw.data() + got, raw.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    got += static_cast<std::size_t>(n);
  }
  return session_id_from_bytes(raw.data());
}

std::string session_id_from_bytes(const unsigned char* raw) {
  std::string out;
  out.reserve(session_id_length);
  // 16 bytes = 5 groups of 3 bytes + 1 byte left over.
  std::size_t i = 0;
  for (; i + 3 <= 16; i += 3) {
    unsigned v = (raw[i] << 16) | (raw[i + 1] << 8) | raw[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  unsigned last = raw[i];
  out += alphabet[(last >> 2) & 63];
  out += alphabet[(last << 4) & 63];
  return out;
}

bool is_well_formed_session_id(std::string_view id) {
  if (id.size() != session_id_length) return false;
  for (char c : id)
    if (alphabet_index[static_cast<unsigned char>(c)] < 0) return false;
  // The last character carries 2 bits of data and 4 zero bits.
  return (alphabet_index[static_cast<unsigned char>(id.back())] & 15) == 0;
}

}  // namespace sessdemo
