#include "tests/support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "common/prometheus_text.hpp"

namespace sessdemo::test {

std::string HttpReply::header(const std::string& n) const {
  auto it = headers.find(n);
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpReply::session_cookie() const {
  auto c = header("set-cookie");
  constexpr std::string_view key = "sessdemo_sid=";
  if (c.rfind(key, 0) != 0) return {};
  return c.substr(key.size(), c.find(';') - key.size());
}

int connect_loopback(std::uint16_t port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(s);
    return -1;
  }
  return s;
}

namespace {
std::string exchange(std::uint16_t port, const std::string& bytes,
                     std::chrono::milliseconds timeout) {
  int s = connect_loopback(port);
  if (s < 0) return {};
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(s, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      out.clear();  // a timeout is no reply
      break;
    }
    pollfd p{s, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[8192];
    ssize_t n = recv(s, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(s);
  return out;
}

HttpReply parse(const std::string& raw) {
  HttpReply r;
  auto end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < end) {
    auto eol = raw.find("\r\n", pos);
    auto line = raw.substr(pos, eol - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    pos = eol + 2;
  }
  r.body = raw.substr(end + 4);
  return r;
}
}  // namespace

HttpReply http(std::uint16_t port, const std::string& method, const std::string& target,
               const std::string& body, const std::string& extra_headers,
               std::chrono::milliseconds timeout) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  req += extra_headers;
  if (!body.empty() || method == "POST" || method == "PUT")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return parse(exchange(port, req, timeout));
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout) {
  return exchange(port, bytes, timeout);
}

int raw_status(std::uint16_t port, const std::string& bytes) {
  return parse(exchange(port, bytes, std::chrono::seconds(5))).status;
}

std::optional<double> metric(std::uint16_t port, const std::string& sample) {
  auto r = http(port, "GET", "/metrics");
  if (r.status != 200) return std::nullopt;
  // The sample as the page's reader reads a line: its name and labels, matched exactly.
  auto wanted = parse_prometheus_text(sample + " 0");
  if (wanted.size() != 1) return std::nullopt;
  for (const auto& s : parse_prometheus_text(r.body))
    if (s.name == wanted[0].name && s.labels == wanted[0].labels) return s.value;
  return std::nullopt;
}

std::string memcached_command(std::uint16_t port, const std::string& cmd) {
  int s = connect_loopback(port);
  if (s < 0) return "";
  send(s, cmd.data(), cmd.size(), 0);
  char buf[4096];
  ssize_t n = recv(s, buf, sizeof buf, 0);
  close(s);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
}

}  // namespace sessdemo::test
