#pragma once
// `sessdemo serve`: one web instance.
#include <chrono>
#include <string>
#include <vector>

#include "sessions/session_service.hpp"
#include "sessions/store_factory.hpp"

namespace CLI {
class App;
}

namespace sessdemo::cli {

struct ServeOptions {
  std::uint16_t port = 8080;                  // 0 picks a free port
  std::string bind = "127.0.0.1";             // listen address
  std::string id;                             // instance id on pages; empty: host:port
  StoreKind store = StoreKind::memcached;     // memcached | memory
  std::string memcached = "127.0.0.1:11211";  // HOST:PORT[,...], ketama across several
  std::chrono::microseconds ttl = std::chrono::minutes(20);   // sliding idle timeout
  std::chrono::microseconds max_age = std::chrono::hours(8);  // absolute lifetime
  std::string key_prefix = "sessdemo";                        // memcached keys are <prefix>:<sid>
  unsigned copies = 1;  // memcached nodes holding each session
  std::chrono::microseconds store_timeout = std::chrono::milliseconds(250);
  Concurrency concurrency = Concurrency::cas;                        // none | cas | lock
  std::chrono::microseconds lock_timeout = std::chrono::seconds(2);  // lock mode's longest wait
  std::chrono::microseconds lock_ttl =
      std::chrono::seconds(5);          // a dead holder's lock lasts this long
  unsigned threads = 2;                 // I/O threads
  unsigned store_threads = 16;          // worker threads for store writes
  unsigned read_threads = 2;            // threads batching the reads of read-only pages
  std::size_t max_connections = 10000;  // cap on open connections
  std::chrono::microseconds idle_timeout = std::chrono::seconds(30);      // for a next request
  std::chrono::microseconds handshake_timeout = std::chrono::seconds(5);  // TLS, from accept
  std::chrono::microseconds request_timeout = std::chrono::seconds(10);   // to receive one
  std::chrono::microseconds shutdown_grace = std::chrono::seconds(5);     // for in-flight ones
  std::string metrics_bind;                  // ADDR:PORT of a /metrics-only listener
  bool secure_cookies = false;               // add Secure to the cookie
  bool csrf = false;                         // synchronizer tokens on writes
  std::string csrf_secret;                   // file with the farm's key for pre-session tokens
  std::vector<std::string> trusted_origins;  // --trusted-origin, as typed
  std::string tls_cert, tls_key;             // HTTPS: certificate chain and key, PEM
  std::string log_level = "info";
};

void setup_serve(CLI::App& app, ServeOptions& opts);
int run_serve(const ServeOptions& opts);

}  // namespace sessdemo::cli
