#pragma once
// The HTTP listener: accepts connections, runs one coroutine per connection on the I/O threads,
// sends store-backed requests to the store executor, and drains gracefully on stop or
// SIGINT/SIGTERM.
// Asio stays behind the pimpl so that the command-line code does not compile it.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "server/metrics.hpp"
#include "server/router.hpp"
#include "server/store_executor.hpp"

namespace sessdemo {

struct ServerConfig {
  std::string bind = "127.0.0.1";       // listen address
  std::uint16_t port = 0;               // 0 picks a free port
  unsigned threads = 2;                 // I/O threads: accept, parse, write
  StoreExecutorConfig store;            // threads, queues and deadlines of store calls
  std::size_t max_connections = 10000;  // past this, new connections get 503 and are closed
  // A connection may wait this long for the first byte of its next request (keep-alive) ...
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  // ... and from that byte (or from accept, for the first request) has this long to send the
  // whole request, headers and body; writing an answer has this long too.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
  // On stop, in-flight requests get this long; then they are answered 503 and the process
  // ends (Server::cut_requests() counts them).
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(5)};
  std::string metrics_bind;  // ADDR:PORT: /metrics served there only (and not on the main port)
  std::string tls_cert, tls_key;  // PEM files: HTTPS on the main port (TLS 1.2 and 1.3)
  // A TLS handshake must end this soon after accept (within the first request's time, which
  // runs from accept too); at most max_handshakes are in progress at a time, past that a new
  // connection is closed with a TLS alert. A half-done handshake holds tens of KB.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(5)};
  unsigned max_handshakes = 256;
  std::size_t header_limit = 8 * 1024;  // larger headers get 431
  std::size_t body_limit = 16 * 1024;   // larger bodies get 413
};

class Server {
 public:
  Server(ServerConfig config, Router& router, SessionService& sessions, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns "ADDR:PORT" with the port actually bound. A host name is resolved
  // to its first address. Throws std::runtime_error with a message for a person (port in use,
  // not an address of this machine, ...).
  std::string listen();
  // "ADDR:PORT" of the metrics listener (empty without metrics_bind); valid after listen().
  std::string metrics_address() const;
  // From now on SIGINT and SIGTERM stop the server gracefully (once run() runs): call it before
  // telling anyone the server is up, so that no signal can kill it in between.
  void catch_signals();
  // Serves until stop() or, with handle_signals, SIGINT/SIGTERM; returns after the drain.
  void run(bool handle_signals);
  void stop();  // thread-safe; a second call stops at once, as the grace deadline would
  // Requests still in flight at the grace deadline (or at a second stop), answered 503.
  std::size_t cut_requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sessdemo
