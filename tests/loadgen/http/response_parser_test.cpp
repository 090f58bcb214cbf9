// The tester's response parser, on bytes a server it does not control may send.
#include "loadgen/http/response_parser.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

namespace {
// Parses one response from text; the error, if any.
boost::beast::error_code parse(std::string_view text, ParsedResponse& out,
                               std::size_t* used = nullptr) {
  ResponseParser p(out);
  p.eager(true);
  boost::beast::error_code ec;
  auto n = p.put(boost::asio::buffer(text.data(), text.size()), ec);
  if (!ec && !p.is_done()) {
    p.put_eof(ec);
  }
  if (used) *used = n;
  return ec;
}
}  // namespace

TEST(ResponseParser, KeepsStatusBodyCookiesAndInstance) {
  ParsedResponse out;
  std::string two =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Instance-Id: A\r\nSet-Cookie: a=1\r\n"
      "Set-Cookie: sessdemo_sid=x; Path=/\r\n\r\nhelloHTTP/1.1 204 No Content\r\n\r\n";
  std::size_t used = 0;
  ASSERT_FALSE(parse(two, out, &used));
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, "hello");
  EXPECT_EQ(out.instance, "A");
  ASSERT_EQ(out.cookie_count, 2u);
  EXPECT_EQ(out.set_cookies[1], "sessdemo_sid=x; Path=/");
  ParsedResponse next;
  ASSERT_FALSE(parse(std::string_view(two).substr(used), next));
  EXPECT_EQ(next.status, 204);
}

TEST(ResponseParser, ReadsChunkedBodies) {
  ParsedResponse out;
  ASSERT_FALSE(parse(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
      out));
  EXPECT_EQ(out.body, "abcde");
}

// Found by the fuzzer (tests/fuzz/http_response_fuzz.cpp): Beast takes any three digits, so
// "HTTP/1.1 020 OK" was an answer with status 20. Below 100 it is a protocol error.
TEST(ResponseParser, AStatusBelow100IsAProtocolError) {
  ParsedResponse out;
  EXPECT_EQ(parse("HTTP/1.1 020 OK\r\nContent-Length: 0\r\n\r\n", out),
            boost::beast::http::error::bad_status);
  EXPECT_EQ(out.status, 0);
  ParsedResponse fine;
  EXPECT_FALSE(parse("HTTP/1.1 100 Continue\r\n\r\n", fine));
}

// The server decides a page's size, not the tester's memory: a judged page past the limit is an
// error; a dropped one (keep_body false) may be any size, and only its first bytes are kept.
TEST(ResponseParser, BodyLimitsAndWhatIsKept) {
  std::string big = "HTTP/1.1 200 OK\r\nContent-Length: 600000\r\n\r\n" + std::string(600000, 'x');
  ParsedResponse out;
  {
    ResponseParser p(out, true, 512 * 1024);
    p.eager(true);
    boost::beast::error_code ec;
    p.put(boost::asio::buffer(big.data(), big.size()), ec);
    EXPECT_EQ(ec, boost::beast::http::error::body_limit);
  }
  ResponseParser dropped(out, false);
  dropped.eager(true);
  boost::beast::error_code ec;
  dropped.put(boost::asio::buffer(big.data(), big.size()), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(dropped.is_done());
  EXPECT_EQ(out.body.size(), ResponseParser::kept_without_body);
}
