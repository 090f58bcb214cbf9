#pragma once
// Deliberately broken web apps for the tester's negative checks, on free loopback ports.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sessdemo::test {

// A listening TCP socket on 127.0.0.1 and a free port (set in port).
int listen_on_loopback(std::uint16_t& port);

class FakeServer {
 public:
  enum class Mode {
    leaky,       // one shared "session": every visitor sees the last name anyone posted
    closing,     // accepts and closes every connection without answering
    slow,        // answers every request 200 with an empty page, 200 ms after it came in
    silent,      // reads requests and never answers (timeout)
    cut,         // sends the headers and part of the body, then closes (reset)
    garbage,     // answers bytes that are not HTTP (protocol)
    status_404,  // answers every request 404 (http_4xx)
    status_503,  // answers every request 503 (http_5xx)
    echo,        // answers 200 with the request's head as the page (what reached the server)
    // A correct app whose "session" is a cookie holding the name (so it can show no one
    // else's), and three ways of framing its answers wrongly, each with another visitor's name
    // in the bytes that belong to no request:
    cookie_app,
    trailing_junk,  // a second answer right behind each one (bytes past its Content-Length)
    unasked,        // a second answer 20 ms after each one, while no request is outstanding
    switching,      // an unasked 101 Switching Protocols before each answer
    // The correct cookie app behind a balancer that serves every third page itself (its cache,
    // its own error page): those answers carry no X-Instance-Id.
    unnamed_pages,
  };
  explicit FakeServer(Mode mode);
  ~FakeServer();
  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::size_t requests_seen();  // complete requests read, all connections
  std::string last_request();   // the head (request line and headers) of the last one

 private:
  void accept_loop();
  void serve(int fd);
  void serve_cookie_app(int fd, const std::string& head, const std::string& body);
  Mode mode_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string last_name_;
  std::size_t requests_ = 0;
  std::string last_head_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// A memcached stand-in for what the real one never does: gets are answered at once (a miss),
// and `stats` with the given lines (then END), or a byte every 50 ms for ever (trickle: each of
// libmemcached's per-read timeouts passes).
class FakeMemcached {
 public:
  static constexpr const char* trickle = "";
  explicit FakeMemcached(std::string stats_lines);
  ~FakeMemcached();
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::atomic<bool> asked_stats{false};
  std::atomic<bool> stop{false};

 private:
  void serve(int fd);
  std::string stats_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> conns_;
};

}  // namespace sessdemo::test
