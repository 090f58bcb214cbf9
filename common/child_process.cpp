#include "common/child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <utility>

namespace sessdemo {

using namespace std::chrono;

namespace {
// The full path of program as execvp would find it (one with a slash is taken as it is);
// empty when it is not there.
std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos)
    return access(program.c_str(), X_OK) == 0 ? program : std::string();
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::string p(path);
  std::size_t start = 0;
  while (start <= p.size()) {
    auto colon = p.find(':', start);
    std::string dir =
        p.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0)
      return dir + "/" + program;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return {};
}
}  // namespace

std::vector<std::string> as_unprivileged(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             "--pdeathsig=TERM", "--"});
  return argv;
}

bool on_path(const std::string& program) {
  return !find_program(program).empty();
}

// fork and exec, not posix_spawn: the child must ask for SIGTERM at its parent's death
// (PR_SET_PDEATHSIG), which posix_spawn cannot do. Everything the child needs (the program's
// path, the argument array, the stderr file) is made before the fork, so that the child calls
// only async-signal-safe functions (prctl, dup2, execv, _exit) and never allocates.
ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& err_path) {
  if (argv.empty()) throw std::runtime_error("no program to start");
  std::string program = find_program(argv[0]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int err_fd = -1;
  if (!err_path.empty())
    err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    if (err_fd >= 0) close(err_fd);
    throw std::runtime_error("pipe failed");
  }
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    for (int fd : {fds[0], fds[1], err_fd})
      if (fd >= 0) close(fd);
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);     // never outlive the parent
    if (getppid() != parent) _exit(127);  // the parent died before the request took hold
    dup2(fds[1], 1);                      // dup2 clears close-on-exec on the copy
    if (err_fd >= 0) dup2(err_fd, 2);
    if (!program.empty()) execv(program.c_str(), args.data());
    _exit(127);  // not found, or not executable: as a shell says
  }
  close(fds[1]);
  if (err_fd >= 0) close(err_fd);
  out_fd_ = fds[0];
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept {
  *this = std::move(o);
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    reset();
    pid_ = o.pid_;
    out_fd_ = o.out_fd_;
    pending_ = std::move(o.pending_);
    status_ = o.status_;
    o.pid_ = -1;
    o.out_fd_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  reset();
}

void ChildProcess::reset() {
  if (pid_ > 0 && status_ < 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  pid_ = -1;
  out_fd_ = -1;
  status_ = -1;
}

std::optional<std::string> ChildProcess::read_line(milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  for (;;) {
    auto nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0 || out_fd_ < 0) return std::nullopt;
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
    char buf[4096];
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

std::string ChildProcess::read_all(milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  while (out_fd_ >= 0) {
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0) break;
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
    char buf[4096];
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
  return std::exchange(pending_, {});
}

void ChildProcess::signal(int sig) {
  if (pid_ > 0 && status_ < 0) kill(pid_, sig);
}

int ChildProcess::wait(milliseconds timeout) {
  if (pid_ <= 0) return -1;
  if (status_ >= 0) return status_;
  auto deadline = steady_clock::now() + timeout;
  for (;;) {
    int st = 0;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return status_;
    }
    if (steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

int ChildProcess::terminate(milliseconds grace) {
  if (pid_ <= 0) return -1;
  signal(SIGTERM);
  int st = wait(grace);
  if (st < 0) {
    signal(SIGKILL);
    st = wait(seconds(5));
  }
  return st;
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_ >= 0) return false;
  return wait(milliseconds(0)) < 0;
}

std::uint16_t free_loopback_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

}  // namespace sessdemo
