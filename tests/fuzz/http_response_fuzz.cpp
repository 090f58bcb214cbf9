// The tester's HTTP response parser: every byte a server the tester does not control sends
// back. The input is split in two at a point the fuzzer picks (a response arrives in pieces),
// and parsed as a keep-alive stream of responses.
#include <boost/beast/core/flat_buffer.hpp>

#include "loadgen/http/response_parser.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size < 1) return 0;
  std::size_t split = data[0] % (size);
  auto text = fuzz::as_text(data + 1, size - 1);
  loadgen::ParsedResponse out;
  std::size_t offset = 0;
  for (int responses = 0; responses < 8 && offset < text.size(); ++responses) {
    out.clear();
    loadgen::ResponseParser parser(out, true, 64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t fed = 0;
    // First the bytes up to the split, then the rest, as two reads would bring them.
    std::size_t limit = std::min(text.size(), std::max(offset + 1, split));
    for (int step = 0; step < 2 && !parser.is_done(); ++step) {
      std::size_t end = step == 0 ? limit : text.size();
      while (offset + fed < end && !parser.is_done()) {
        auto n =
            parser.put(boost::asio::buffer(text.data() + offset + fed, end - offset - fed), ec);
        if (ec == boost::beast::http::error::need_more) break;
        if (ec) return 0;
        if (n == 0) break;
        fed += n;
      }
    }
    if (!parser.is_done()) return 0;
    FUZZ_CHECK(out.status >= 100 && out.status <= 999);
    FUZZ_CHECK(out.body.size() <= 64 * 1024);
    FUZZ_CHECK(out.cookie_count <= out.set_cookies.size());
    offset += fed;
    if (!parser.keep_alive()) break;
  }
  return 0;
}
