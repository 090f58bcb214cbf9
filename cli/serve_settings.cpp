// serve's settings from its command line: what it refuses, and the configurations of the store,
// the sessions, the server and the router.
#include "cli/serve_settings.hpp"

#include <algorithm>

#include "cli/small_file.hpp"
#include "common/duration.hpp"
#include "common/endpoint.hpp"
#include "server/origin_check.hpp"

namespace sessdemo::cli {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {
milliseconds at_least_1ms(std::chrono::microseconds d) {
  return std::max(milliseconds(1), duration_cast<milliseconds>(d));
}
}  // namespace

Refusal refusal_of(const ServeOptions& o) {
  if (o.ttl < std::chrono::seconds(2) || o.max_age < std::chrono::seconds(1))
    return "--ttl must be at least 2s and --max-age at least 1s";
  if (auto why = key_prefix_problem(o.key_prefix); !why.empty()) return why;
  if (o.concurrency == Concurrency::lock && o.lock_ttl <= std::chrono::seconds(1) + o.store_timeout)
    // A holder writes only while more than 1 s (memcached's expiry granularity) plus one store
    // call is left of its lock: a shorter --lock-ttl would refuse every write.
    return "--lock-ttl must be longer than 1s plus --store-timeout (" +
           format_duration(std::chrono::seconds(1) + o.store_timeout) + ")";
  if (o.tls_cert.empty() != o.tls_key.empty()) return "--tls-cert and --tls-key go together";
  if (o.handshake_timeout < std::chrono::milliseconds(1))
    return "--handshake-timeout must be at least 1ms";
  if (o.idle_timeout < std::chrono::milliseconds(1) ||
      o.request_timeout < std::chrono::milliseconds(1))
    return "--idle-timeout and --request-timeout must be at least 1ms";
  return std::nullopt;
}

StoreSpec store_spec(const ServeOptions& o) {
  StoreSpec spec;
  spec.kind = o.store;
  if (o.store == StoreKind::memcached)
    spec.nodes = std::get<std::vector<Endpoint>>(parse_endpoints(o.memcached));
  spec.key_prefix = o.key_prefix;
  spec.timeout = at_least_1ms(o.store_timeout);
  spec.copies = o.copies;
  spec.repair_ttl = duration_cast<std::chrono::seconds>(o.ttl);
  return spec;
}

SessionPolicy session_policy(const ServeOptions& o) {
  SessionPolicy policy;
  policy.ttl = duration_cast<std::chrono::seconds>(o.ttl);
  policy.max_age = duration_cast<std::chrono::seconds>(o.max_age);
  policy.concurrency = o.concurrency;
  policy.lock_timeout = duration_cast<milliseconds>(o.lock_timeout);
  policy.lock_ttl =
      std::max(std::chrono::seconds(1), duration_cast<std::chrono::seconds>(o.lock_ttl));
  policy.lock_margin = std::chrono::seconds(1) + duration_cast<milliseconds>(o.store_timeout);
  return policy;
}

ServerConfig server_config(const ServeOptions& o, const SessionPolicy& policy) {
  ServerConfig sc;
  sc.bind = o.bind;
  sc.port = o.port;
  sc.threads = o.threads;
  sc.store.write_threads = o.store_threads;
  sc.store.read_threads = o.read_threads;
  // Every request that needs the store is answered within --store-timeout (lock-mode writes
  // may also wait --lock-timeout for the lock): 503 when the store has not answered by then.
  // The budget is for the answer, so the store's share leaves a reserve for writing it out
  // (a fifth of the budget, at most 20 ms): under a burst the I/O threads need that time.
  auto store_timeout = at_least_1ms(o.store_timeout);
  auto store_budget = store_timeout - std::min(milliseconds(20), store_timeout / 5);
  sc.store.read_budget = store_budget;
  sc.store.write_budget = store_budget;
  if (policy.concurrency == Concurrency::lock) sc.store.write_budget += policy.lock_timeout;
  sc.max_connections = o.max_connections;
  sc.idle_timeout = at_least_1ms(o.idle_timeout);
  sc.request_timeout = at_least_1ms(o.request_timeout);
  sc.shutdown_grace = duration_cast<milliseconds>(o.shutdown_grace);
  sc.handshake_timeout = at_least_1ms(o.handshake_timeout);
  sc.metrics_bind = o.metrics_bind;
  sc.tls_cert = o.tls_cert;
  sc.tls_key = o.tls_key;
  return sc;
}

// The router's settings, the --csrf-secret file read; or why it cannot be read.
std::variant<RouterConfig, std::string> router_config(const ServeOptions& o) {
  RouterConfig rc;
  rc.secure_cookies = o.secure_cookies || !o.tls_cert.empty();
  rc.tls = !o.tls_cert.empty();
  rc.metrics_elsewhere = !o.metrics_bind.empty();
  rc.csrf = o.csrf;
  for (const auto& t : o.trusted_origins) {
    std::string origin = trusted_origin(t);
    if (origin.empty())
      return "--trusted-origin " + t +
             " is not an origin: scheme://host[:port], http or https, no path";
    rc.trusted_origins.push_back(std::move(origin));
  }
  if (o.csrf_secret.empty()) return rc;
  auto secret = read_small_file(o.csrf_secret, 64 << 10, "the --csrf-secret file");
  if (auto* e = std::get_if<FileError>(&secret)) return e->message;
  rc.csrf_secret = std::move(std::get<std::string>(secret));
  if (rc.csrf_secret.size() < 16)
    return "the --csrf-secret file " + o.csrf_secret + " holds fewer than 16 bytes";
  return rc;
}

}  // namespace sessdemo::cli
