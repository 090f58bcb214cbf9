// Requests that once killed an instance, smuggled a second request, or took its memory, and
// what HTTP/1.1 asks of every server (Host, HEAD, Expect: 100-continue).
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
long rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}
int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST(HttpHardening, AHugeTrailerIsRefusedAndKillsNothing) {
  Instance a({"--store", "memory"});
  std::string req = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " +
                    std::string(70000, 'a') + "\r\n\r\n";
  auto reply = raw_exchange(a.port, req);
  // Refused with 431, or cut off while still sending: either way not served, and alive after.
  EXPECT_TRUE(reply.empty() || reply.rfind("HTTP/1.1 431", 0) == 0) << reply.substr(0, 80);
  EXPECT_TRUE(a.proc.running()) << "the instance died";
  EXPECT_EQ(http(a.port, "GET", "/healthz").status, 200);
  // Trailers within the buffer but over the header limit count against it: 431.
  std::string mid =
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Type: "
      "application/x-www-form-urlencoded\r\n\r\n6\r\nname=A\r\n0\r\nX: " +
      std::string(9000, 'a') + "\r\n\r\n";
  EXPECT_EQ(raw_status(a.port, mid), 431);
}

TEST(HttpHardening, HugeChunkExtensionsAreCutOffWithoutTheMemory) {
  Instance a({"--store", "memory"});
  long before = rss_kib(a.proc.pid());
  std::vector<std::thread> senders;
  for (int i = 0; i < 3; ++i)
    senders.emplace_back([&] {
      std::string req = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=" +
                        std::string(30 << 20, 'x') + "\r\nname=\r\n0\r\n\r\n";
      raw_exchange(a.port, req, seconds(10));
    });
  for (auto& t : senders) t.join();
  long after = rss_kib(a.proc.pid());
  EXPECT_LT(after - before, 32 * 1024)
      << "RSS grew from " << before << " to " << after << " KiB for 90 MB sent";
  EXPECT_EQ(http(a.port, "GET", "/healthz").status, 200);
}

TEST(HttpHardening, TransferCodingsOtherThanChunkedAreRefusedNotSmuggled) {
  Instance a({"--store", "memory"});
  for (std::string te : {"gzip", "chunked, chunked", "gzip, chunked"}) {
    std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    std::string req =
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + te + "\r\n\r\n" + smuggled;
    auto reply = raw_exchange(a.port, req);
    EXPECT_EQ(reply.rfind("HTTP/1.1 501", 0), 0u) << te << ": " << reply.substr(0, 60);
    EXPECT_EQ(count_of(reply, "HTTP/1.1 "), 1) << te << ": the body was read as a second request";
    EXPECT_EQ(count_of(reply, "HTTP/1.1 200"), 0) << te;
  }
  // Two Transfer-Encoding fields are refused as well (Beast's parser already answers 400).
  auto two =
      raw_exchange(a.port,
                   "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
                   "chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_TRUE(two.rfind("HTTP/1.1 501", 0) == 0 || two.rfind("HTTP/1.1 400", 0) == 0)
      << two.substr(0, 60);
  EXPECT_EQ(count_of(two, "HTTP/1.1 "), 1) << two;
}

TEST(HttpHardening, HostHeadAndContinue) {
  Instance a({"--store", "memory"});
  EXPECT_EQ(raw_status(a.port, "GET /healthz HTTP/1.1\r\n\r\n"), 400);  // no Host
  EXPECT_EQ(raw_status(a.port, "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  EXPECT_EQ(raw_status(a.port, "GET /healthz HTTP/1.0\r\n\r\n"), 200);  // HTTP/1.0 needs none
  auto get = raw_exchange(a.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  auto head = raw_exchange(a.port, "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  auto body_at = head.find("\r\n\r\n");
  EXPECT_EQ(head.size(), body_at + 4) << "HEAD sends no body";
  auto length = [](const std::string& r) {
    auto at = r.find("Content-Length: ");
    return at == std::string::npos ? std::string()
                                   : r.substr(at + 16, r.find("\r\n", at) - at - 16);
  };
  EXPECT_EQ(length(head), length(get));
  EXPECT_NE(length(head), "0");
  auto cont = raw_exchange(
      a.port,
      "POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Type: "
      "application/x-www-form-urlencoded\r\nContent-Length: 8\r\nConnection: close\r\n\r\n"
      "name=Ann");
  EXPECT_EQ(cont.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 303", 0), 0u) << cont.substr(0, 80);
}

TEST(HttpHardening, EveryCookieFieldIsReadAndTheFirstWellFormedIdWins) {
  Instance a({"--store", "memory"});
  auto post = http(a.port, "POST", "/", "name=Ann");
  ASSERT_EQ(post.status, 303);
  std::string sid = post.session_cookie();
  // A malformed sessdemo_sid first, the real one in a second Cookie field.
  auto r =
      http(a.port, "GET", "/details", "",
           "Cookie: sessdemo_sid=not-an-id\r\nCookie: theme=dark; sessdemo_sid=" + sid + "\r\n");
  EXPECT_NE(r.body.find(">Ann<"), std::string::npos) << r.body;
}
