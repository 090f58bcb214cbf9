#include "loadgen/report/live_metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

using namespace sessdemo::loadgen;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
struct Listener {
  explicit Listener(LiveMetricsLimits limits = {}) : live("127.0.0.1", 0, limits) {
    live.publish("up 1\n");
  }
  LiveMetrics live;
  tcp::endpoint at() const { return {net::ip::make_address("127.0.0.1"), live.port()}; }
};

tcp::socket connect(net::io_context& ioc, const tcp::endpoint& at) {
  tcp::socket s(ioc);
  s.connect(at);
  return s;
}

// Sends what, reads until the listener closes; returns what it answered ("" when it closed
// without a word).
std::string exchange(net::io_context& ioc, const tcp::endpoint& at, const std::string& what) {
  auto s = connect(ioc, at);
  boost::system::error_code ec;
  net::write(s, net::buffer(what), ec);
  std::string got;
  char buf[4096];
  for (;;) {
    std::size_t n = s.read_some(net::buffer(buf), ec);
    got.append(buf, n);
    if (ec) break;
  }
  return got;
}

// Waits until s is closed by the listener (EOF or reset).
void until_closed(tcp::socket& s) {
  char c;
  boost::system::error_code ec;
  while (!ec) s.read_some(net::buffer(&c, 1), ec);
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}
}  // namespace

TEST(LiveMetrics, AnswersGetMetricsAndNothingElse) {
  Listener l;
  net::io_context ioc;
  auto ok = exchange(ioc, l.at(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK", 0), 0u) << ok;
  EXPECT_NE(ok.find("\r\n\r\nup 1\n"), std::string::npos);
  auto other = exchange(ioc, l.at(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(other.rfind("HTTP/1.1 404", 0), 0u) << other;
}

TEST(LiveMetrics, ARequestPastItsSizeOrWithABodyIsClosedUnanswered) {
  Listener l;
  net::io_context ioc;
  std::string big =
      "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(9000, 'p') + "\r\n\r\n";
  EXPECT_EQ(exchange(ioc, l.at(), big), "");
  EXPECT_EQ(exchange(ioc, l.at(),
                     "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nxxxx"),
            "");
  // And the listener still answers.
  EXPECT_EQ(
      exchange(ioc, l.at(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200", 0),
      0u);
}

TEST(LiveMetrics, IdleConnectionsAreCutAtTheDeadlineAndNeverPastTheBudget) {
  LiveMetricsLimits limits;
  limits.max_open = 4;
  limits.deadline =
      std::chrono::milliseconds(3000);  // well past taking 300 connections, even under TSan
  Listener l(limits);
  net::io_context ioc;
  tcp::socket warm(ioc);  // the client's event loop descriptors, before counting
  warm.open(tcp::v4());
  std::size_t before = open_descriptors();
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 300; ++i) idle.push_back(connect(ioc, l.at()));
  auto start = std::chrono::steady_clock::now();
  // The last one is past the budget, closed at once; the listener has taken all the others
  // before it.
  until_closed(idle.back());
  std::size_t held = open_descriptors() - before - idle.size();
  EXPECT_LE(held, limits.max_open) << "descriptors the listener holds";
  std::size_t still_open = 0;
  for (auto& s : idle) {
    s.non_blocking(true);
    char c;
    boost::system::error_code ec;
    s.read_some(net::buffer(&c, 1), ec);
    if (ec == net::error::would_block) ++still_open;
  }
  EXPECT_EQ(still_open, limits.max_open);  // the budget's, held until their deadline
  for (auto& s : idle) {
    s.non_blocking(false);
    until_closed(s);
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
  // With the idle ones gone, a scrape is answered.
  EXPECT_EQ(
      exchange(ioc, l.at(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200", 0),
      0u);
}
