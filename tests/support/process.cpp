#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <utility>
#include <thread>

namespace sessdemo::test {

using namespace std::chrono;

std::string sessdemo_binary() { return SESSDEMO_BINARY; }

Child::Child(const std::vector<std::string>& argv, const std::string& err_path) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], 1);
    if (!err_path.empty()) {
      int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (e >= 0) dup2(e, 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
}

Child::Child(Child&& o) noexcept { *this = std::move(o); }

Child& Child::operator=(Child&& o) noexcept {
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

Child::~Child() { reset(); }

void Child::reset() {
  if (pid_ > 0 && status_ < 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  pid_ = -1;
  out_fd_ = -1;
  status_ = -1;
}

std::optional<std::string> Child::read_line(milliseconds timeout) {
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

std::string Child::read_all(milliseconds timeout) {
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

void Child::signal(int sig) {
  if (pid_ > 0 && status_ < 0) kill(pid_, sig);
}

int Child::wait(milliseconds timeout) {
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

bool Child::running() {
  if (pid_ <= 0 || status_ >= 0) return false;
  return wait(milliseconds(0)) < 0;
}

std::uint16_t free_port() {
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

bool wait_for_port(std::uint16_t port, milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  while (steady_clock::now() < deadline) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    int r = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    close(s);
    if (r == 0) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

Memcached::Memcached() {
  port = free_port();
  restart();
}

void Memcached::restart() {
  proc = Child({"memcached", "-l", "127.0.0.1", "-p", std::to_string(port), "-U", "0", "-u",
                "nobody", "-m", "64", "-c", "4096", "-t", "2"});
  if (!wait_for_port(port, seconds(10))) throw std::runtime_error("memcached did not start");
}

Instance::Instance(std::vector<std::string> extra) {
  std::vector<std::string> argv{sessdemo_binary(), "serve", "--port", "0", "--log-level", "warn",
                                "--threads", "1", "--store-threads", "4"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  proc = Child(argv);
  auto line = proc.read_line(seconds(10));
  constexpr std::string_view prefix = "listening on http://127.0.0.1:";
  if (!line || line->rfind(prefix, 0) != 0)
    throw std::runtime_error("instance did not start: " + line.value_or("(no output)"));
  port = static_cast<std::uint16_t>(std::stoi(line->substr(prefix.size())));
}

}  // namespace sessdemo::test
