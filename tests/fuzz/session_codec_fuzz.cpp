// The session value as read back from memcached: a value is data from outside too (another
// version, another program, a corrupted or hostile node).
#include "sessions/session.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto s = decode_session(fuzz::as_text(data, size));
  if (!s) return 0;
  // What decodes, encodes and decodes to the same session.
  auto bytes = encode_session(*s);
  auto again = decode_session(bytes);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->name == s->name && again->visits == s->visits && again->created == s->created &&
             again->refreshed == s->refreshed && again->version == s->version &&
             again->write_tag == s->write_tag && again->csrf == s->csrf &&
             again->ended == s->ended);
  FUZZ_CHECK(encode_session(*again) == bytes);
  return 0;
}
