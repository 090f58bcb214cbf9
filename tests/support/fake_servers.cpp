#include "tests/support/fake_servers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "common/page_contract.hpp"

namespace sessdemo::test {

FakeServer::FakeServer(Mode mode) : mode_(mode) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(listen_fd_, 256);
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeServer::~FakeServer() {
  stop_ = true;
  acceptor_.join();
  for (auto& t : threads_) t.join();
  close(listen_fd_);
}

void FakeServer::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    if (mode_ == Mode::closing) {
      close(fd);
      continue;
    }
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

std::size_t FakeServer::requests_seen() {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::string FakeServer::last_request() {
  std::lock_guard lock(mutex_);
  return last_head_;
}

void FakeServer::serve(int fd) {
  std::string in;
  char buf[4096];
  while (!stop_) {
    auto end = in.find("\r\n\r\n");
    if (end == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    std::size_t body_len = 0;
    auto cl = in.find("Content-Length: ");
    if (cl != std::string::npos && cl < end) body_len = std::stoul(in.substr(cl + 16));
    if (in.size() < end + 4 + body_len) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    std::string head = in.substr(0, end);
    std::string body = in.substr(end + 4, body_len);
    in.erase(0, end + 4 + body_len);
    {
      std::lock_guard lock(mutex_);
      requests_++;
      last_head_ = head;
    }
    std::string status = "200 OK", page;
    if (mode_ == Mode::silent) continue;
    if (mode_ == Mode::cut) {
      std::string part = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it";
      send(fd, part.data(), part.size(), MSG_NOSIGNAL);
      break;
    }
    if (mode_ == Mode::garbage) {
      std::string junk = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
      send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
      break;
    }
    if (mode_ == Mode::status_404) {
      status = "404 Not Found";
    } else if (mode_ == Mode::status_503) {
      status = "503 Service Unavailable";
    } else if (mode_ == Mode::echo) {
      page = head;
    } else if (mode_ == Mode::slow) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } else if (head.rfind("POST", 0) == 0) {
      std::lock_guard lock(mutex_);
      last_name_ = body.substr(body.find('=') + 1);
      status = "303 See Other";
    } else if (head.find(" /details ") != std::string::npos) {
      std::lock_guard lock(mutex_);
      page = "<p " + std::string(page::name_marker) + last_name_ + "</p>";
    }
    std::string out = "HTTP/1.1 " + status + "\r\nX-Instance-Id: leaky\r\nSet-Cookie: sid=1\r\nContent-Length: " +
                      std::to_string(page.size()) + "\r\n\r\n" + page;
    if (send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) break;
  }
  close(fd);
}

}  // namespace sessdemo::test
