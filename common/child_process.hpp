#pragma once
// A child process with its stdout on a pipe: the demo's memcached and instances, and the
// integration tests' ones. It is killed (by its own pid) and reaped when the object goes away,
// and it gets SIGTERM if this process dies first, so nothing is left behind.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sessdemo {

class ChildProcess {
 public:
  ChildProcess() = default;
  // Starts argv[0] (searched in PATH); stderr goes to err_path when given.
  explicit ChildProcess(const std::vector<std::string>& argv, const std::string& err_path = "");
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // One line of stdout, or nothing after the timeout or at EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Everything left on stdout until EOF or the timeout.
  std::string read_all(std::chrono::milliseconds timeout);
  void signal(int sig);
  // Waits for exit: the exit code, 128+signal when killed, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  bool running();
  // SIGTERM, a grace period, then SIGKILL; returns the exit status.
  int terminate(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  void reset();
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string pending_;
  int status_ = -1;
};

// argv to start as an unprivileged user (65534, nobody) when this process is root, else argv
// as it is. A server started as root and dropping privileges itself (memcached -u) clears the
// parent-death signal when it changes user, and outlives a killed parent; setpriv (util-linux,
// in every Debian) changes the user before the exec and sets the signal again after the change.
std::vector<std::string> as_unprivileged(std::vector<std::string> argv);

// Whether a program is on PATH.
bool on_path(const std::string& program);
// A TCP port that was free a moment ago on 127.0.0.1.
std::uint16_t free_loopback_port();

}  // namespace sessdemo
