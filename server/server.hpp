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
  std::string bind = "127.0.0.1";            // listen address
  std::uint16_t port = 0;                    // 0 picks a free port
  unsigned threads = 2;                      // I/O threads: accept, parse, write
  StoreExecutorConfig store;                 // threads, queues and deadlines of store calls
  std::size_t max_connections = 10000;       // connections over this are closed at once
  std::chrono::seconds idle_timeout{30};     // a keep-alive connection idle this long is closed
  std::chrono::seconds request_timeout{10};  // time to receive one whole request
  std::chrono::seconds shutdown_grace{5};    // in-flight requests get this long on stop
  std::size_t header_limit = 8 * 1024;       // larger headers get 431
  std::size_t body_limit = 16 * 1024;        // larger bodies get 413
};

class Server {
 public:
  Server(ServerConfig config, Router& router, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns "ADDR:PORT" with the port actually bound. A host name is resolved
  // to its first address. Throws std::runtime_error with a message for a person (port in use,
  // not an address of this machine, ...).
  std::string listen();
  std::uint16_t port() const;
  // From now on SIGINT and SIGTERM stop the server gracefully (once run() runs): call it before
  // telling anyone the server is up, so that no signal can kill it in between.
  void catch_signals();
  // Serves until stop() or, with handle_signals, SIGINT/SIGTERM; returns after the drain.
  void run(bool handle_signals);
  void stop();  // thread-safe
  const ExecutorStats& store_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sessdemo
