#pragma once
// Child processes for integration tests: real memcached and real `sessdemo serve` instances on
// free loopback ports. Each Child is killed (by its own pid) and reaped when it goes away.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sessdemo::test {

class Child {
 public:
  Child() = default;
  // Starts argv[0] (searched in PATH) with stdout on a pipe; stderr goes to err_path if given.
  explicit Child(const std::vector<std::string>& argv, const std::string& err_path = "");
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  ~Child();

  pid_t pid() const { return pid_; }
  // One line of stdout, or nothing after the timeout / at EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Everything left on stdout until EOF (or the timeout).
  std::string read_all(std::chrono::milliseconds timeout);
  void signal(int sig);
  // Waits for exit; returns the exit code, 128+signal when killed, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  bool running();

 private:
  void reset();
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string pending_;
  int status_ = -1;
};

// A port that was free a moment ago on 127.0.0.1.
std::uint16_t free_port();
// True when a TCP connect to 127.0.0.1:port succeeds within the timeout.
bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout);

// A real memcached on a free loopback port.
struct Memcached {
  Memcached();
  void restart();  // after kill(): the same port, empty
  std::uint16_t port = 0;
  Child proc;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

// A real `sessdemo serve` instance; extra holds further flags.
struct Instance {
  explicit Instance(std::vector<std::string> extra);
  std::uint16_t port = 0;
  Child proc;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

std::string sessdemo_binary();

}  // namespace sessdemo::test
