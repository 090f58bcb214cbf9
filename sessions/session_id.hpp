#pragma once
// Session ids: 128 bits from the OS CSPRNG, base64url without padding (22 characters).
#include <string>
#include <string_view>

namespace sessdemo {

inline constexpr std::size_t session_id_length = 22;

std::string new_session_id();
// The 16 bytes at raw written as a session id is (for tokens derived from other bytes).
std::string session_id_from_bytes(const unsigned char* raw);

// True for a string that could have come from new_session_id(); says nothing of whether
// a store holds it.
bool is_well_formed_session_id(std::string_view id);

}  // namespace sessdemo
