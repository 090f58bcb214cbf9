// Slow and abusive clients, and the end of an instance: what each timeout cuts and when, the
// connection cap, many idle connections, the metrics listener, and requests still in flight
// when the grace period ends. Each test measures and asserts the figure it is about.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
using Clock = steady_clock;

// The instance's open HTTP connections, as its metrics listener on mport shows them (that
// listener's own connections are not counted); -1 when the page cannot be read.
double open_connections(std::uint16_t mport) {
  return metric(mport, "sessdemo_open_connections").value_or(-1);
}

bool send_all(int fd, const std::string& bytes) {
  return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

// Reads until the server closes (EOF or reset) or the limit passes; what came back.
struct Closed {
  bool closed = false;
  Clock::time_point at;
  std::string bytes;
};
Closed read_until_closed(int fd, milliseconds limit) {
  Closed r;
  auto end = Clock::now() + limit;
  for (;;) {
    auto left = duration_cast<milliseconds>(end - Clock::now()).count();
    if (left <= 0) return r;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[4096];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      r.closed = true;
      r.at = Clock::now();
      return r;
    }
    r.bytes.append(buf, static_cast<std::size_t>(n));
  }
}

// The first `n` bytes one by one, `every` apart, while the server keeps the connection open:
// the time the first byte went out, and whether the server closed it before all were sent.
Clock::time_point trickle(int fd, const std::string& bytes, milliseconds every, bool& cut) {
  auto first = Clock::now();
  cut = false;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!send_all(fd, bytes.substr(i, 1))) {
      cut = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(every.count())) > 0) {
      cut = true;  // EOF, reset, or an answer: the server is done with us
      break;
    }
  }
  return first;
}

// A keep-alive connection that has had one request answered; -1 when that failed.
int after_one_request(std::uint16_t port) {
  int fd = connect_loopback(port);
  char buf[1024];
  if (fd >= 0 && (!send_all(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n") ||
                  ::recv(fd, buf, sizeof buf, 0) <= 0)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

double ms_since(Clock::time_point from, Clock::time_point to) {
  return duration<double, std::milli>(to - from).count();
}
}  // namespace

// Headers sent one byte every 2 s never finish: the request timeout (from the first byte) cuts
// the connection, without an answer.
TEST(SlowClients, TrickledHeadersAreCutAtTheRequestTimeout) {
  Instance a({"--store", "memory", "--request-timeout", "5s"});
  int fd = connect_loopback(a.port);
  ASSERT_GE(fd, 0);
  bool cut = false;
  auto first =
      trickle(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: yes\r\n\r\n", seconds(2), cut);
  auto closed = read_until_closed(fd, seconds(10));
  ::close(fd);
  ASSERT_TRUE(cut || closed.closed) << "the server waited for the whole trickled request";
  auto at = closed.closed ? ms_since(first, closed.at) : 0.0;
  std::printf("trickled headers: cut %.0f ms after the first byte (request timeout 5 s)\n", at);
  EXPECT_GE(at, 4500);
  EXPECT_LE(at, 6500);
  EXPECT_EQ(closed.bytes.find("HTTP/1.1 200"), std::string::npos);
}

// On a keep-alive connection the idle timeout covers only the wait for the next request's first
// byte: trickling the next request is cut at the request timeout, not at the idle timeout.
TEST(SlowClients, TheNextRequestOnAKeepAliveConnectionHasTheRequestTimeout) {
  Instance a({"--store", "memory", "--idle-timeout", "30s", "--request-timeout", "2s"});
  int fd = after_one_request(a.port);
  ASSERT_GE(fd, 0);
  bool cut = false;
  auto first = trickle(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", milliseconds(500), cut);
  auto closed = read_until_closed(fd, seconds(5));
  ::close(fd);
  ASSERT_TRUE(closed.closed) << "still open 5 s after the trickle";
  auto at = ms_since(first, closed.at);
  std::printf("next request trickled: cut %.0f ms after its first byte (request timeout 2 s)\n",
              at);
  EXPECT_GE(at, 1700);
  EXPECT_LE(at, 3000);
}

// A keep-alive connection that sends nothing more is closed at the idle timeout.
TEST(SlowClients, AnIdleKeepAliveConnectionIsClosedAtTheIdleTimeout) {
  Instance a({"--store", "memory", "--idle-timeout", "1s"});
  int fd = after_one_request(a.port);
  ASSERT_GE(fd, 0);
  auto answered = Clock::now();
  auto closed = read_until_closed(fd, seconds(5));
  ::close(fd);
  ASSERT_TRUE(closed.closed);
  auto at = ms_since(answered, closed.at);
  std::printf("idle keep-alive connection closed after %.0f ms (idle timeout 1 s)\n", at);
  EXPECT_GE(at, 900);
  EXPECT_LE(at, 1600);
}

// A body that stops midway is dropped at the request timeout, and nothing is saved.
TEST(SlowClients, ABodyThatStopsMidwayIsDroppedAtTheRequestTimeout) {
  Instance a({"--store", "memory", "--request-timeout", "2s"});
  int fd = connect_loopback(a.port);
  ASSERT_GE(fd, 0);
  auto sent = Clock::now();
  ASSERT_TRUE(
      send_all(fd,
               "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               "Content-Length: 100\r\n\r\nname=Half"));
  auto closed = read_until_closed(fd, seconds(6));
  ::close(fd);
  ASSERT_TRUE(closed.closed);
  auto at = ms_since(sent, closed.at);
  std::printf("stalled body dropped after %.0f ms (request timeout 2 s)\n", at);
  EXPECT_GE(at, 1700);
  EXPECT_LE(at, 3000);
  EXPECT_EQ(closed.bytes.find("Set-Cookie"), std::string::npos) << closed.bytes;
}

// Past --max-connections a new connection gets a 503 that says so (not a reset), while the
// connections already accepted, trickling or idle, go on being served.
TEST(SlowClients, PastTheConnectionCapA503AndAcceptedConnectionsKeepWorking) {
  auto mport = free_port();
  Instance a({"--store", "memory", "--max-connections", "50", "--request-timeout", "20s",
              "--metrics-bind", "127.0.0.1:" + std::to_string(mport)});
  std::vector<int> held;
  for (int i = 0; i < 50; ++i) {
    int fd = connect_loopback(a.port);
    ASSERT_GE(fd, 0);
    // 49 of them start a request and stall, as slow-loris clients do.
    if (i > 0) {
      ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n"));
    }
    held.push_back(fd);
  }
  ASSERT_TRUE(eventually([&] { return open_connections(mport) == 50; }, seconds(5)))
      << "all 50 accepted";
  int extra = connect_loopback(a.port);
  ASSERT_GE(extra, 0);
  auto t0 = Clock::now();
  send_all(extra, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  auto refused = read_until_closed(extra, seconds(3));
  ::close(extra);
  std::printf("past the cap: answered in %.1f ms\n", ms_since(t0, refused.at));
  EXPECT_TRUE(refused.closed);
  EXPECT_EQ(refused.bytes.rfind("HTTP/1.1 503", 0), 0u) << refused.bytes;
  EXPECT_NE(refused.bytes.find("Connection: close"), std::string::npos);
  // An accepted connection is not stalled by the refusals.
  auto t1 = Clock::now();
  ASSERT_TRUE(send_all(held[0], "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  char buf[1024];
  pollfd p{held[0], POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 2000), 1);
  auto n = ::recv(held[0], buf, sizeof buf, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)).rfind("HTTP/1.1 200", 0), 0u);
  std::printf("accepted connection answered in %.1f ms while at the cap\n",
              ms_since(t1, Clock::now()));
  for (int fd : held) ::close(fd);
  EXPECT_TRUE(
      eventually([&] { return http(a.port, "GET", "/healthz").status == 200; }, seconds(3)));
  EXPECT_EQ(metric(mport, "sessdemo_refused_connections_total"), 1);
}

// 5,000 idle connections cost the others nothing that shows: /healthz within 10 ms (median).
TEST(SlowClients, FiveThousandIdleConnectionsDoNotSlowHealthz) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_max < 11000) {
    GTEST_SKIP() << "needs 11,000 open files (ulimit -Hn is " << lim.rlim_max << ")";
  }
  rlimit want{std::max<rlim_t>(lim.rlim_cur, 11000), lim.rlim_max};
  setrlimit(RLIMIT_NOFILE, &want);  // inherited by the instance started below
  Instance a({"--store", "memory", "--idle-timeout", "60s", "--request-timeout", "60s"});
  std::vector<int> idle;
  for (int i = 0; i < 5000; ++i) {
    int fd = connect_loopback(a.port);
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  ASSERT_TRUE(
      eventually([&] { return metric(a.port, "sessdemo_open_connections").value_or(0) >= 5000; },
                 seconds(10)));
  std::vector<double> ms;
  for (int i = 0; i < 41; ++i) {
    auto t = Clock::now();
    ASSERT_EQ(http(a.port, "GET", "/healthz").status, 200);
    ms.push_back(ms_since(t, Clock::now()));
  }
  std::sort(ms.begin(), ms.end());
  std::printf("/healthz with 5,000 idle connections open: median %.2f ms, max %.2f ms\n", ms[20],
              ms.back());
  EXPECT_LT(ms[20], 10.0);
  for (int fd : idle) ::close(fd);
  setrlimit(RLIMIT_NOFILE, &lim);
}

// /metrics on an address of its own: there only, and nothing else there.
TEST(SlowClients, MetricsBindServesMetricsThereOnly) {
  auto mport = free_port();
  Instance a({"--store", "memory", "--metrics-bind", "127.0.0.1:" + std::to_string(mport)});
  ASSERT_TRUE(wait_for_port(mport, seconds(5)));
  EXPECT_EQ(http(a.port, "GET", "/metrics").status, 404);
  EXPECT_EQ(http(a.port, "GET", "/healthz").status, 200);
  auto m = http(mport, "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("sessdemo_http_requests_total"), std::string::npos);
  EXPECT_EQ(http(mport, "GET", "/").status, 404);
  EXPECT_EQ(http(mport, "POST", "/", "name=Ann").status, 404);
  EXPECT_EQ(http(mport, "GET", "/healthz").status, 200);
}

// The public port full (--max-connections reached by idle connections): /metrics and /healthz
// on --metrics-bind still answer, on a budget of their own.
TEST(SlowClients, MonitoringAnswersWhileThePublicPortIsFull) {
  auto mport = free_port();
  Instance a({"--store", "memory", "--max-connections", "20", "--request-timeout", "20s",
              "--idle-timeout", "20s", "--metrics-bind", "127.0.0.1:" + std::to_string(mport)});
  ASSERT_TRUE(wait_for_port(mport, seconds(5)));
  std::vector<int> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(connect_loopback(a.port));
  ASSERT_TRUE(eventually(
      [&] { return metric(mport, "sessdemo_open_connections").value_or(0) >= 20; }, seconds(5)));
  EXPECT_EQ(http(a.port, "GET", "/healthz").status, 503) << "the public port is full";
  EXPECT_EQ(http(mport, "GET", "/healthz").status, 200);
  EXPECT_EQ(http(mport, "GET", "/metrics").status, 200);
  for (int fd : idle) ::close(fd);
}

namespace {
// An instance whose store (a SIGSTOPped memcached) holds a page view for 20 s, with one client
// waiting on it. shutdown_grace is the instance's --shutdown-grace.
struct StuckRequest {
  explicit StuckRequest(const std::string& grace)
      : mport(free_port()),
        a({"--memcached", mc.address(), "--store-timeout", "20s", "--shutdown-grace", grace,
           "--metrics-bind", "127.0.0.1:" + std::to_string(mport)}) {
    auto saved = http(a.port, "POST", "/", "name=Ann");
    sid = saved.session_cookie();
    mc.proc.signal(SIGSTOP);
    started = Clock::now();
    reply = std::async(std::launch::async, [this] {
      return http(a.port, "GET", "/details", "", "Cookie: sessdemo_sid=" + sid + "\r\n",
                  seconds(30));
    });
    // The request is sent as its connection opens, and its first step is the store read, which
    // a stopped memcached never answers: an open connection is a request waiting on the store.
    EXPECT_TRUE(eventually([&] { return open_connections(mport) == 1; }, seconds(5)));
  }
  ~StuckRequest() { mc.proc.signal(SIGCONT); }
  Memcached mc;
  std::uint16_t mport;
  Instance a;
  std::string sid;
  Clock::time_point started;
  std::future<HttpReply> reply;
};
}  // namespace

// At the grace deadline a request still waiting for the store is answered 503 (not an empty
// reply), the process exits at once and with 1, since requests were cut.
TEST(SlowClients, InFlightAtTheGraceDeadlineGets503AndTheExitSaysSo) {
  StuckRequest s("1s");
  ASSERT_FALSE(s.sid.empty());
  auto signalled = Clock::now();
  s.a.proc.signal(SIGTERM);
  auto r = s.reply.get();
  auto answered = ms_since(signalled, Clock::now());
  int code = s.a.proc.wait(seconds(10));
  auto exited = ms_since(signalled, Clock::now());
  std::printf("grace 1 s: the stuck request answered %d after %.0f ms, exit %d after %.0f ms\n",
              r.status, answered, code, exited);
  EXPECT_EQ(r.status, 503);
  EXPECT_GE(answered, 900);
  EXPECT_LE(answered, 2500);
  EXPECT_EQ(code, 1);
  EXPECT_LE(exited, 3000);
}

// A second SIGTERM ends the grace period at once.
TEST(SlowClients, ASecondSignalStopsAtOnce) {
  StuckRequest s("60s");
  ASSERT_FALSE(s.sid.empty());
  s.a.proc.signal(SIGTERM);
  // A duration, not a state: the process must still be there 300 ms after the first signal.
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_TRUE(s.a.proc.running()) << "the first signal must wait for the in-flight request";
  auto second = Clock::now();
  s.a.proc.signal(SIGTERM);
  auto r = s.reply.get();
  int code = s.a.proc.wait(seconds(10));
  auto exited = ms_since(second, Clock::now());
  std::printf("second signal: the stuck request answered %d, exit %d %.0f ms after the signal\n",
              r.status, code, exited);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(code, 1);
  EXPECT_LE(exited, 2000);
}

// Without anything in flight the stop is clean: exit 0, no wait for the grace period.
TEST(SlowClients, AStopWithNothingInFlightExitsZeroAtOnce) {
  auto mport = free_port();
  Instance a({"--store", "memory", "--shutdown-grace", "30s", "--metrics-bind",
              "127.0.0.1:" + std::to_string(mport)});
  int idle = connect_loopback(a.port);  // an idle connection does not hold the stop up
  ASSERT_GE(idle, 0);
  ASSERT_TRUE(eventually([&] { return open_connections(mport) == 1; }, seconds(5)));
  auto t = Clock::now();
  a.proc.signal(SIGTERM);
  EXPECT_EQ(a.proc.wait(seconds(10)), 0);
  EXPECT_LE(ms_since(t, Clock::now()), 2000);
  ::close(idle);
}

// Run only by the ctest SanitizerReportsFailTheTest (WILL_FAIL): a child that leaves a
// sanitizer report where the children's reports go must fail the test that started it.
TEST(SanitizerReports, DISABLED_AChildsReportFailsTheTest) {
  Child reporter(
      {"sh", "-c",
       "p=${ASAN_OPTIONS##*log_path=}; echo 'ERROR: AddressSanitizer: planted' > \"$p.$$\""});
  EXPECT_EQ(reporter.wait(seconds(5)), 0);
}
