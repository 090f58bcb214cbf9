#pragma once
// Session ids: 128 bits from the OS CSPRNG, base64url without padding (22 characters).
#include <string>
#include <string_view>

namespace sessdemo {

inline constexpr std::size_t session_id_length = 22;

std::string new_session_id();

// True for a string that could have come from new_session_id(); says nothing of whether
// a store holds it.
bool is_well_formed_session_id(std::string_view id);

}  // namespace sessdemo
