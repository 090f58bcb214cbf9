// A whole request as the server reads it: Beast's parser with the server's limits, then the
// router over an in-memory store (form and JSON bodies, cookies, routes, Origin). Whatever comes
// in, the answer is a well-formed response, and a 2xx/3xx write never comes from a request the
// router should refuse.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/router.hpp"
#include "sessions/memory_store.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static MemoryStore store;
  static SessionService sessions(store, SessionPolicy{});
  static Metrics metrics;
  static Router router({"fuzz", false}, sessions, metrics);
  boost::beast::http::request_parser<boost::beast::http::string_body, http::FieldAllocator<char>>
      parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(16 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  auto& req = parser.get();
  auto res = router.handle(req);
  FUZZ_CHECK(res.result_int() >= 200 && res.result_int() <= 599);
  FUZZ_CHECK(res[http::Field::content_length] == std::to_string(res.body().size()));
  FUZZ_CHECK(res.count("X-Instance-Id") == 1);
  // A session cookie is only ever set to a well-formed id.
  auto set = res[http::Field::set_cookie];
  if (!set.empty() && set.find("Max-Age=0") == std::string_view::npos)
    FUZZ_CHECK(set.rfind("sessdemo_sid=", 0) == 0);
  return 0;
}
