#include "tests/support/fake_servers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "common/page_contract.hpp"

namespace sessdemo::test {

int listen_on_loopback(std::uint16_t& port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(fd, 512);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

FakeServer::FakeServer(Mode mode) : mode_(mode) {
  listen_fd_ = listen_on_loopback(port_);
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
    if (mode_ == Mode::cookie_app || mode_ == Mode::trailing_junk || mode_ == Mode::unasked ||
        mode_ == Mode::switching || mode_ == Mode::unnamed_pages) {
      serve_cookie_app(fd, head, body);
      continue;
    }
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
    std::string out = "HTTP/1.1 " + status +
                      "\r\nX-Instance-Id: leaky\r\nSet-Cookie: sid=1\r\nContent-Length: " +
                      std::to_string(page.size()) + "\r\n\r\n" + page;
    if (send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) break;
  }
  close(fd);
}

void FakeServer::serve_cookie_app(int fd, const std::string& head, const std::string& body) {
  std::string out, extra_headers, page;
  if (mode_ == Mode::switching)
    out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n";
  std::string status = "200 OK";
  if (head.rfind("POST", 0) == 0) {
    std::string name = body.substr(body.find('=') + 1);
    status = "303 See Other";
    extra_headers = "Location: /details\r\nSet-Cookie: n=" + name + "\r\n";
  } else if (head.find(" /details ") != std::string::npos) {
    auto at = head.find("Cookie: ");
    std::string name;
    if (at != std::string::npos) {
      auto n = head.find("n=", at);
      auto end = head.find_first_of(";\r", n);
      if (n != std::string::npos)
        name = head.substr(n + 2, end == std::string::npos ? std::string::npos : end - n - 2);
    }
    page = name.empty() ? "<p " + std::string(page::no_name_marker) + "none</p>"
                        : "<p " + std::string(page::name_marker) + name + "</p>";
  } else {
    page = "<form method=post action=/><input name=name></form>";
  }
  bool unnamed = false;
  if (mode_ == Mode::unnamed_pages) {
    std::lock_guard lock(mutex_);
    unnamed = requests_ % 3 == 0;
  }
  out += "HTTP/1.1 " + status + "\r\n" + (unnamed ? "" : "X-Instance-Id: fake\r\n") +
         extra_headers + "Content-Length: " + std::to_string(page.size()) + "\r\n\r\n" + page;
  std::string intruder_page = "<p " + std::string(page::name_marker) + "another-visitor</p>";
  std::string intruder = "HTTP/1.1 200 OK\r\nX-Instance-Id: fake\r\nContent-Length: " +
                         std::to_string(intruder_page.size()) + "\r\n\r\n" + intruder_page;
  if (mode_ == Mode::trailing_junk) out += intruder;
  send(fd, out.data(), out.size(), MSG_NOSIGNAL);
  if (mode_ == Mode::unasked) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    send(fd, intruder.data(), intruder.size(), MSG_NOSIGNAL);
  }
}

FakeMemcached::FakeMemcached(std::string stats_lines) : stats_(std::move(stats_lines)) {
  listen_fd_ = listen_on_loopback(port_);
  acceptor_ = std::thread([this] {
    while (!stop) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept(listen_fd_, nullptr, nullptr);
      if (c >= 0) conns_.emplace_back([this, c] { serve(c); });
    }
  });
}

FakeMemcached::~FakeMemcached() {
  stop = true;
  acceptor_.join();
  for (auto& t : conns_) t.join();
  close(listen_fd_);
}

void FakeMemcached::serve(int c) {
  std::string in;
  char buf[512];
  while (!stop) {
    pollfd p{c, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
    }
    for (auto at = in.find("\r\n"); at != std::string::npos; at = in.find("\r\n")) {
      std::string command = in.substr(0, at);
      in.erase(0, at + 2);
      if (command.rfind("stats", 0) != 0) {
        send(c, "END\r\n", 5, MSG_NOSIGNAL);
        continue;
      }
      asked_stats = true;
      if (!stats_.empty()) {
        std::string answer = stats_ + "END\r\n";
        send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
        continue;
      }
      static constexpr char drip[] = "STAT pid 1\r\n";
      for (std::size_t i = 0; !stop; i = (i + 1) % (sizeof drip - 1)) {
        if (send(c, drip + i, 1, MSG_NOSIGNAL) < 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  close(c);
}

}  // namespace sessdemo::test
