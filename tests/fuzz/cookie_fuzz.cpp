// The Cookie header parser and the session id check: what picks the session of a request.
#include <string>

#include "server/cookies.hpp"
#include "sessions/session_id.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto header = fuzz::as_text(data, size);
  auto first = find_cookie(header, session_cookie_name);
  std::size_t seen = 0;
  std::string_view first_seen;
  for_each_cookie(header, session_cookie_name, [&](std::string_view v) {
    // Every value lies inside the header: a view into it, never past its end.
    FUZZ_CHECK(v.data() >= header.data() && v.data() + v.size() <= header.data() + header.size());
    if (seen++ == 0) first_seen = v;
    return true;
  });
  FUZZ_CHECK(first.has_value() == (seen > 0));
  if (first) FUZZ_CHECK(*first == first_seen);
  // A well-formed id survives the trip through Set-Cookie and back.
  if (is_well_formed_session_id(header)) {
    std::string set = session_cookie(header, false);
    auto value = set.substr(0, set.find(';'));
    auto back = find_cookie(value, session_cookie_name);
    FUZZ_CHECK(back && *back == header);
  }
  return 0;
}
