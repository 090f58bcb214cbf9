// HTTPS end to end: serve --tls-cert/--tls-key with a certificate from a CA made here by
// openssl, and the tester checking it (--cacert), refusing it (kind tls), or not checking it
// (--insecure, said in the summary and the JSON).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/child_process.hpp"
#include "common/start_line.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/pki.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
// `sessdemo serve` over HTTPS; its port from the first line.
struct TlsInstance {
  TlsInstance(const TestPki& pki, const std::string& memcached, const std::string& cert = "server",
              std::vector<std::string> extra = {}, const std::string& err_path = "") {
    std::vector<std::string> argv{sessdemo_binary(), "serve",
                                  "--port",          "0",
                                  "--log-level",     "warn",
                                  "--threads",       "1",
                                  "--memcached",     memcached,
                                  "--tls-cert",      pki.file((cert + ".pem").c_str()),
                                  "--tls-key",       pki.file((cert + ".key").c_str())};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = Child(argv, err_path);
    auto line = proc.read_line(seconds(10));
    auto address = line ? sessdemo::start_line::address_in(*line) : std::nullopt;
    if (address && line->find("https://") != std::string::npos)
      port = static_cast<std::uint16_t>(std::stoi(address->substr(address->rfind(':') + 1)));
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port); }
  Child proc;
  std::uint16_t port = 0;
};
// What `openssl s_client` says (stdout and stderr) when it talks to port, sending input; bounded
// by a 10 s timeout.
std::string s_client(std::uint16_t port, const TestPki& pki, const std::string& flags,
                     const std::string& input = "") {
  std::string cmd = "printf '" + input +
                    "' | timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                    " -CAfile " + pki.file("ca.pem") + " " + flags + " 2>&1";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
  }
  return out;
}
}  // namespace

// TLS hygiene: HSTS on every answer, no cipher without forward secrecy in TLS 1.2, a warning for
// a certificate about to expire (the test CA's last two days), a handshake that must end soon,
// and past --max-connections a TLS alert rather than a plaintext 503.
TEST(Tls, HygieneAndLimits) {
  if (!sessdemo::on_path("openssl")) GTEST_SKIP() << "needs openssl (Debian package openssl)";
  TestPki pki;
  ASSERT_TRUE(pki.ok);
  Memcached mc;
  auto log = pki.dir / "serve.log";
  TlsInstance a(pki, mc.address(), "server",
                {"--max-connections", "2", "--handshake-timeout", "300ms"}, log.string());
  ASSERT_NE(a.port, 0);
  auto page = s_client(a.port, pki, "-quiet",
                       "GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n");
  EXPECT_NE(page.find("Strict-Transport-Security: max-age=31536000"), std::string::npos) << page;
  auto weak = s_client(a.port, pki, "-tls1_2 -cipher AES128-SHA:AES256-SHA256");
  EXPECT_EQ(weak.find("Cipher is AES"), std::string::npos) << weak;
  EXPECT_NE(weak.find("alert handshake failure"), std::string::npos) << weak;
  auto strong = s_client(a.port, pki, "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_NE(strong.find("ECDHE-ECDSA-AES128-GCM-SHA256"), std::string::npos) << strong;
  std::ifstream l(log);
  std::stringstream said;
  said << l.rdbuf();
  EXPECT_NE(said.str().find("server.pem expires in "), std::string::npos) << said.str();
  // A client that connects and sends nothing is closed at the handshake timeout.
  int silent = connect_loopback(a.port);
  ASSERT_GE(silent, 0);
  timeval tv{3, 0};
  setsockopt(silent, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto start = steady_clock::now();
  char b;
  EXPECT_EQ(recv(silent, &b, 1, 0), 0) << "closed, not left open";
  EXPECT_LT(steady_clock::now() - start, seconds(2));
  ::close(silent);
  // Two connections hold the cap of an instance with the default handshake timeout (5 s); the
  // third gets a TLS alert.
  TlsInstance capped(pki, mc.address(), "server", {"--max-connections", "2"});
  ASSERT_NE(capped.port, 0);
  int one = connect_loopback(capped.port), two = connect_loopback(capped.port);
  auto refused = s_client(capped.port, pki, "");
  EXPECT_EQ(refused.find("wrong version number"), std::string::npos) << refused;
  EXPECT_NE(refused.find("alert internal error"), std::string::npos) << refused;
  ::close(one);
  ::close(two);
}

TEST(Tls, TheTesterChecksTheCertificateAndReusesConnections) {
  if (!sessdemo::on_path("openssl"))
    GTEST_SKIP() << "needs openssl (Debian package openssl) to make a test CA";
  TestPki pki;
  ASSERT_TRUE(pki.ok) << "openssl could not make the test certificates";
  Memcached mc;
  TlsInstance a(pki, mc.address()), b(pki, mc.address());
  ASSERT_NE(a.port, 0);
  ASSERT_NE(b.port, 0);
  auto r = run_load({"--instances", a.url() + "," + b.url(), "--cacert", pki.file("ca.pem"),
                     "--clients", "20", "--connections", "4", "--duration", "2s"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("errors"), 0);
  EXPECT_EQ(r.total_of("misses"), 0);
  EXPECT_GT(r.total_of("hits"), 100);
  // Handshakes reported apart, and connections reused: far fewer handshakes than requests.
  auto handshakes = r.total().at("tls").at("count").to_number<std::int64_t>();
  EXPECT_GT(handshakes, 0);
  EXPECT_LE(handshakes, 2 * 4 * 2) << "a handshake per connection, not per request";
  EXPECT_GT(r.total_of("requests"), 20 * handshakes);
  EXPECT_NE(r.out.find("TLS handshakes:"), std::string::npos) << r.out;
}

TEST(Tls, WithoutTheCaEveryRequestIsATlsErrorAndInsecureSkipsTheCheck) {
  if (!sessdemo::on_path("openssl"))
    GTEST_SKIP() << "needs openssl (Debian package openssl) to make a test CA";
  TestPki pki;
  ASSERT_TRUE(pki.ok);
  Memcached mc;
  TlsInstance a(pki, mc.address());
  ASSERT_NE(a.port, 0);
  auto refused = run_load_with_log(
      {"--instances", a.url(), "--clients", "4", "--duration", "1s", "--threads", "2"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  // Explained once for the instance, whatever the threads, with the way out.
  auto said = [](const std::string& log, const std::string& what) {
    std::size_t n = 0;
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(said(refused.err, "TLS with "), 1u) << refused.err;
  EXPECT_EQ(said(refused.err, "give --cacert FILE"), 1u) << refused.err;
  auto tls_errors = refused.total().at("errors_by_kind").at("tls").to_number<std::int64_t>();
  EXPECT_GT(tls_errors, 0);
  EXPECT_EQ(tls_errors, refused.total_of("errors"));
  EXPECT_EQ(refused.total_of("misses"), 0);
  EXPECT_NE(refused.out.find("errors by kind:  tls"), std::string::npos) << refused.out;

  // The CA is known, but the certificate is for another address.
  TlsInstance other(pki, mc.address(), "other");
  ASSERT_NE(other.port, 0);
  auto wrong_name = run_load_with_log({"--instances", other.url(), "--cacert", pki.file("ca.pem"),
                                       "--clients", "2", "--duration", "1s"});
  EXPECT_EQ(wrong_name.exit_code, 1) << wrong_name.out;
  // --cacert is given: no advice to give it.
  EXPECT_EQ(wrong_name.err.find("give --cacert"), std::string::npos) << wrong_name.err;
  EXPECT_NE(wrong_name.err.find("not signed by --cacert"), std::string::npos) << wrong_name.err;
  EXPECT_GT(wrong_name.total().at("errors_by_kind").at("tls").to_number<std::int64_t>(), 0);
  EXPECT_EQ(wrong_name.total_of("hits"), 0);

  auto insecure = run_load({"--instances", a.url(), "--insecure", "--clients", "4", "--duration",
                            "1s", "--min-crossing", "0"});  // one instance: nothing to cross
  EXPECT_EQ(insecure.exit_code, 0) << insecure.out;
  EXPECT_EQ(insecure.total_of("errors"), 0);
  EXPECT_TRUE(insecure.json.at("settings").at("insecure").as_bool());
  EXPECT_NE(insecure.out.find("NOT checked (--insecure)"), std::string::npos) << insecure.out;
}

TEST(Tls, ServeSaysWhatIsWrongWithItsCertificateFiles) {
  Child half(
      {sessdemo_binary(), "serve", "--port", "0", "--store", "memory", "--tls-cert", "x.pem"},
      "/dev/null");
  EXPECT_EQ(half.wait(seconds(10)), 2);
  Child missing({sessdemo_binary(), "serve", "--port", "0", "--store", "memory", "--tls-cert",
                 "/nonexistent.pem", "--tls-key", "/nonexistent.key"},
                "/dev/null");
  EXPECT_EQ(missing.wait(seconds(10)), 1);
}

namespace {
// A blocking TLS client made with OpenSSL itself, its socket's receive buffer set before the
// connect (so the window stays small) and every read bounded by SO_RCVTIMEO.
struct RawTlsClient {
  RawTlsClient(std::uint16_t port, const TestPki& pki, int rcvbuf) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, pki.file("ca.pem").c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ok = SSL_connect(ssl) == 1;
  }
  ~RawTlsClient() {
    if (ssl) SSL_free(ssl);
    if (fd >= 0) ::close(fd);
    SSL_CTX_free(ctx);
  }
  bool write(const std::string& bytes) {
    return SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) > 0;
  }
  // Reads until `needle` has been seen `times` times, or the server closes, or 5 s pass with
  // nothing.
  std::string read_until(const std::string& needle, std::size_t times) {
    std::string got;
    char buf[16384];
    for (std::size_t seen = 0; seen < times;) {
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) break;
      std::size_t from = got.size() >= needle.size() ? got.size() - needle.size() + 1 : 0;
      got.append(buf, static_cast<std::size_t>(n));
      for (auto at = got.find(needle, from); at != std::string::npos; at = got.find(needle, at + 1))
        ++seen;
    }
    return got;
  }
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  int fd = -1;
  bool ok = false;
};

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}
}  // namespace

// The server's TLS runs on its own buffer and the socket (server/tls_socket.cpp), not one record
// per call: requests pipelined in one record are all answered (the later ones from bytes already
// received, with no wait for the socket), a body sent as several records is read whole, and the
// answers that fill the socket while the client reads nothing go out once it reads again.
// 300 connections that never send a byte do not take the cap of handshakes in progress (256):
// a real client is served while they sit there.
TEST(Tls, SilentConnectionsDoNotLockClientsOut) {
  if (!sessdemo::on_path("openssl"))
    GTEST_SKIP() << "needs openssl (Debian package openssl) to make a test CA";
  TestPki pki;
  ASSERT_TRUE(pki.ok) << "openssl could not make the test certificates";
  Memcached mc;
  TlsInstance a(pki, mc.address());
  ASSERT_NE(a.port, 0);
  std::vector<int> silent;
  for (int i = 0; i < 300; ++i)
    if (int fd = connect_loopback(a.port); fd >= 0) silent.push_back(fd);
  ASSERT_EQ(silent.size(), 300u);
  std::this_thread::sleep_for(milliseconds(200));  // accepted and waiting, well within their second
  RawTlsClient c(a.port, pki, 0);
  EXPECT_TRUE(c.ok) << "the handshake was refused while silent connections sat open";
  if (c.ok) {
    ASSERT_TRUE(c.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    EXPECT_EQ(count_of(c.read_until("HTTP/1.1 200 OK\r\n", 1), "HTTP/1.1 200 OK\r\n"), 1u);
  }
  // And the silent ones are cut at their short deadline, not held for the handshake's 5 s.
  timeval tv{4, 0};
  setsockopt(silent.front(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto start = steady_clock::now();
  char b;
  EXPECT_EQ(recv(silent.front(), &b, 1, 0), 0) << "closed, not left open";
  EXPECT_LT(steady_clock::now() - start, milliseconds(2500));
  for (int fd : silent) ::close(fd);
}

TEST(Tls, PipelinedRequestsABodyOfManyRecordsAndAFullSocketAreServedWhole) {
  if (!sessdemo::on_path("openssl"))
    GTEST_SKIP() << "needs openssl (Debian package openssl) to make a test CA";
  TestPki pki;
  ASSERT_TRUE(pki.ok) << "openssl could not make the test certificates";
  Memcached mc;
  TlsInstance a(pki, mc.address());
  ASSERT_NE(a.port, 0);
  const std::string ok_line = "HTTP/1.1 200 OK\r\n";
  {
    // 5,000 answers of about 2 KiB (10 MB, more than a loopback socket's send buffer grows to,
    // 4 MiB) while the client sleeps: the server's socket fills, and its writes wait for room.
    RawTlsClient c(a.port, pki, 4096);
    ASSERT_TRUE(c.ok) << "the TLS handshake failed";
    std::string many;
    for (int i = 0; i < 5000; ++i) many += "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    ASSERT_TRUE(c.write(many));
    std::this_thread::sleep_for(milliseconds(500));
    auto got = c.read_until(ok_line, 5000);
    EXPECT_EQ(count_of(got, ok_line), 5000u) << "of 5,000 pipelined requests";
  }
  {
    // A form body of 12,000 bytes in three records of 4,000, after its headers in a fourth.
    RawTlsClient c(a.port, pki, 0);
    ASSERT_TRUE(c.ok) << "the TLS handshake failed";
    std::string body = "name=" + std::string(11995, 'x');
    ASSERT_TRUE(c.write(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Origin: https://127.0.0.1:" +
        std::to_string(a.port) + "\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n"));
    for (std::size_t at = 0; at < body.size(); at += 4000)
      ASSERT_TRUE(c.write(body.substr(at, 4000)));
    auto got = c.read_until("\r\n\r\n", 1);
    ASSERT_EQ(got.rfind("HTTP/1.1 ", 0), 0u) << "no answer to the whole body: " << got;
    EXPECT_EQ(got.find("HTTP/1.1 408"), std::string::npos) << got;
    EXPECT_EQ(got.find("HTTP/1.1 413"), std::string::npos) << got;
    // The same connection still serves a request: the body was read to its end, no more, no less.
    ASSERT_TRUE(c.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    if (got.find("Connection: close") == std::string::npos) {
      EXPECT_EQ(count_of(c.read_until(ok_line, 1), ok_line), 1u);
    }
  }
}
