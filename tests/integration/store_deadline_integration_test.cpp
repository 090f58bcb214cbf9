// With memcached stopped (SIGSTOP: connections open, nothing answers), every request that needs
// the store is answered 503 within --store-timeout plus 50 ms, at every load level up to 1,000
// concurrent clients, each on its own keep-alive connection.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Under AddressSanitizer or ThreadSanitizer every step costs several times more CPU, and 1,000 busy
// connections saturate two cores whatever the deadlines do: the sanitizer run checks the mechanism
// up to 100 clients with more slack; the figure (1,000 clients, 50 ms) is checked by the normal
// build.
constexpr auto slack = milliseconds(150);
constexpr int most_clients = 100;
#else
constexpr auto slack = milliseconds(50);
constexpr int most_clients = 1000;
#endif

struct Figures {
  long answered = 0;
  long not_503 = 0;
  milliseconds slowest{0};
  std::vector<int> ms;
};

// clients connections, each sending requests back to back for `run`; the time of each request is
// taken from its send to the end of its answer.
Figures hammer(std::uint16_t port, int clients, milliseconds run) {
  struct Conn {
    int fd;
    system_clock::time_point sent;  // the kernel stamps arrivals on this clock
    system_clock::time_point arrived;
    std::string in;
    int n = 0;
  };
  std::vector<Conn> conns;
  for (int i = 0; i < clients; ++i) {
    int fd = connect_loopback(port);
    EXPECT_GE(fd, 0);
    if (fd < 0) break;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    conns.push_back({fd, {}, {}, {}, i});
  }
  auto send_one = [](Conn& c) {
    // Alternates a read-only page (read lane) and a write (write lane).
    std::string req =
        c.n++ % 2 ? "POST /api/session/visits HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
                  : "GET /details HTTP/1.1\r\nHost: t\r\nCookie: "
                    "sessdemo_sid=AAAAAAAAAAAAAAAAAAAAAA\r\n\r\n";
    c.sent = system_clock::now();
    return send(c.fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size());
  };
  for (auto& c : conns) send_one(c);
  Figures f;
  auto end = steady_clock::now() + run;
  std::vector<pollfd> pfds(conns.size());
  long outstanding = static_cast<long>(conns.size());
  while (outstanding > 0 && steady_clock::now() < end + seconds(5)) {
    for (std::size_t i = 0; i < conns.size(); ++i) pfds[i] = {conns[i].fd, POLLIN, 0};
    if (poll(pfds.data(), pfds.size(), 100) <= 0) continue;
    // What poll found ready arrived by now: the client's own time to go through a thousand
    // sockets is not the server's.
    for (std::size_t i = 0; i < conns.size(); ++i) {
      if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) || conns[i].fd < 0) continue;
      Conn& c = conns[i];
      char buf[8192];
      // The kernel's own arrival time of the bytes (SO_TIMESTAMPNS): what the server took, not
      // how long this one thread needed to get round to a thousand sockets.
      iovec iov{buf, sizeof buf};
      char control[CMSG_SPACE(sizeof(timespec))];
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t n = recvmsg(c.fd, &msg, 0);
      c.arrived = system_clock::now();
      for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
          timespec ts;
          std::memcpy(&ts, CMSG_DATA(cm), sizeof ts);
          c.arrived = system_clock::time_point(
              duration_cast<system_clock::duration>(seconds(ts.tv_sec) + nanoseconds(ts.tv_nsec)));
        }
      if (n <= 0) {
        ADD_FAILURE() << "connection closed by the server";
        close(c.fd);
        c.fd = -1;
        outstanding--;
        continue;
      }
      c.in.append(buf, static_cast<std::size_t>(n));
      auto head_end = c.in.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      auto cl = c.in.find("Content-Length: ");
      std::size_t body = cl == std::string::npos ? 0 : std::stoul(c.in.substr(cl + 16));
      if (c.in.size() < head_end + 4 + body) continue;
      f.slowest = std::max(f.slowest, duration_cast<milliseconds>(c.arrived - c.sent));
      f.ms.push_back(static_cast<int>(duration_cast<milliseconds>(c.arrived - c.sent).count()));
      f.answered++;
      if (c.in.compare(0, 12, "HTTP/1.1 503") != 0) f.not_503++;
      c.in.erase(0, head_end + 4 + body);
      if (steady_clock::now() < end && send_one(c)) continue;
      close(c.fd);
      c.fd = -1;
      outstanding--;
    }
  }
  for (auto& c : conns)
    if (c.fd >= 0) close(c.fd);
  return f;
}
}  // namespace

TEST(StoreDeadlineIntegration, EveryStoreRequestIs503WithinTheStoreTimeoutWhileMemcachedIsStopped) {
  Memcached mc;
  Instance a({"--memcached", mc.address(), "--store-timeout", "100ms"});
  ASSERT_EQ(http(a.port, "GET", "/readyz").status, 200);
  mc.proc.signal(SIGSTOP);
  for (int clients : {10, 100, 1000}) {
    if (clients > most_clients) continue;
    // The slowest answer is a latency on a shared machine: a round whose slowest answer passes
    // the bound once may be measured again (a deadline that is not kept misses it by seconds,
    // every round); every other figure holds in every round.
    Figures f;
    for (int round = 1; round <= 2; ++round) {
      f = hammer(a.port, clients, seconds(2));
      std::sort(f.ms.begin(), f.ms.end());
      std::printf("%d clients, round %d: %ld answers, p50 %d p99 %d p99.9 %d slowest %lld ms\n",
                  clients, round, f.answered, f.ms[f.ms.size() / 2], f.ms[f.ms.size() * 99 / 100],
                  f.ms[f.ms.size() * 999 / 1000], static_cast<long long>(f.slowest.count()));
      if (f.slowest <= milliseconds(100) + slack || f.not_503 != 0) break;
    }
    EXPECT_GE(f.answered, clients) << clients << " clients";
    EXPECT_EQ(f.not_503, 0) << clients << " clients";
    EXPECT_LE(f.slowest, milliseconds(100) + slack)
        << clients << " clients: slowest answer " << f.slowest.count() << " ms";
  }
  mc.proc.signal(SIGCONT);
  auto expired = metric(a.port, "sessdemo_store_expired_total");
  ASSERT_TRUE(expired.has_value());
  EXPECT_GT(*expired, 0) << "no request was answered by the deadline before reaching the store";
}
