#pragma once
// Deliberately broken web apps for the tester's negative checks, on free loopback ports.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sessdemo::test {

class FakeServer {
 public:
  enum class Mode {
    leaky,    // one shared "session": every visitor sees the last name anyone posted
    closing,  // accepts and closes every connection without answering
    slow,     // answers every request 200 with an empty page, 200 ms after it came in
  };
  explicit FakeServer(Mode mode);
  ~FakeServer();
  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void accept_loop();
  void serve(int fd);
  Mode mode_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string last_name_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace sessdemo::test
