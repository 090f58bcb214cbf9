#include "cli/serve_cmd.hpp"

#include <optional>

#include <spdlog/spdlog.h>

#include <CLI/App.hpp>
#include <CLI/Validators.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/options.hpp"
#include "cli/small_file.hpp"
#include "common/duration.hpp"
#include "common/endpoint.hpp"
#include "server/cache_watch.hpp"
#include "server/instrumented_store.hpp"
#include "server/server.hpp"
#include "sessions/memcached_store.hpp"
#include "sessions/memory_store.hpp"
#include "sessions/quorum_store.hpp"
#include "sessions/replicated_store.hpp"

namespace sessdemo::cli {

void setup_serve(CLI::App& app, ServeOptions& o) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // later flags win
  app.add_option("--port,-p", o.port, "port to listen on (0 picks a free one)")
      ->check(whole_number(0, 65535))
      ->capture_default_str();
  app.add_option("--bind", o.bind, "address to listen on")->capture_default_str();
  app.add_option("--id", o.id, "instance id shown on pages and in X-Instance-Id (default: host:port)")
      ->check(CLI::Validator(
          [](std::string& id) -> std::string {
            // It goes into a header of every answer: printable ASCII only, so it can inject
            // nothing; at most 64 bytes.
            if (id.empty() || id.size() > 64) return "must be 1 to 64 characters";
            for (unsigned char c : id)
              if (c < 0x21 || c > 0x7e) return "must be printable ASCII without spaces";
            return {};
          },
          "ID"));
  app.add_option("--store", o.store,
                 "where sessions live: memcached (shared) or memory (this instance only)")
      ->check(CLI::IsMember({"memcached", "memory"}))
      ->capture_default_str()
      ->envname("SESSDEMO_STORE");
  app.add_option("--memcached", o.memcached, "memcached nodes, HOST:PORT[,HOST:PORT...] (ketama)")
      ->check(endpoint_list(false))
      ->capture_default_str()
      ->envname("SESSDEMO_MEMCACHED");
  app.add_option("--copies", o.copies, "memcached nodes that hold each session: 2 survives a node crash (primary and backup); 3 or more, a partition (a majority of the copies for every read and write)")
      ->check(whole_number(1, 16))
      ->capture_default_str();
  add_duration(app, "--ttl", o.ttl, "idle timeout, sliding");
  add_duration(app, "--max-age", o.max_age, "absolute session lifetime");
  app.add_option("--key-prefix", o.key_prefix, "memcached key prefix")->capture_default_str();
  add_duration(app, "--store-timeout", o.store_timeout, "longest wait for one store call");
  app.add_option(
         "--concurrency", o.concurrency,
         "concurrent writes of one session: none (last writer wins), cas (optimistic), lock")
      ->check(CLI::IsMember({"none", "cas", "lock"}))
      ->capture_default_str();
  add_duration(app, "--lock-timeout", o.lock_timeout,
               "lock mode: longest wait for the session lock");
  add_duration(app, "--lock-ttl", o.lock_ttl, "lock mode: expiry of a lock whose holder died");
  app.add_option("--threads", o.threads, "I/O threads")
      ->check(whole_number(1, 256))
      ->capture_default_str();
  app.add_option("--store-threads", o.store_threads,
                 "store executor threads for writes, locks and /readyz, one request each at a time")
      ->check(whole_number(1, 1024))
      ->capture_default_str();
  app.add_option(
         "--read-threads", o.read_threads,
         "store executor threads for reads of read-only pages, each taking every waiting read "
         "(one multi-get per node per batch)")
      ->check(whole_number(1, 64))
      ->capture_default_str();
  app.add_option("--max-connections", o.max_connections, "cap on open connections")
      ->check(whole_number(1, 1000000))
      ->capture_default_str();
  add_duration(app, "--idle-timeout", o.idle_timeout,
               "keep-alive: longest wait for the first byte of the next request");
  add_duration(app, "--handshake-timeout", o.handshake_timeout,
               "--tls-cert: a TLS handshake must end this soon after accept (at most 256 in "
               "progress; past that, and past --max-connections, a TLS alert and close)");
  add_duration(app, "--request-timeout", o.request_timeout,
               "longest time to receive one request, headers and body, from its first byte");
  add_duration(app, "--shutdown-grace", o.shutdown_grace,
               "on SIGTERM/SIGINT, time for in-flight requests; then they get 503 (exit 1)");
  app.add_option("--metrics-bind", o.metrics_bind,
                 "serve /metrics on this ADDR:PORT only, not on the main port");
  app.add_flag("--secure-cookies", o.secure_cookies, "mark the session cookie Secure (behind TLS)");
  app.add_option("--tls-cert", o.tls_cert,
                 "serve HTTPS with this certificate chain (PEM); the session cookie is then Secure");
  app.add_option("--tls-key", o.tls_key, "the private key of --tls-cert (PEM)");
  app.add_flag("--csrf", o.csrf,
               "protect writes with a per-session token: the Home form carries it (csrf_token), "
               "JSON writes send it as X-CSRF-Token; 403 without it");
  app.add_option("--csrf-secret", o.csrf_secret,
                 "a file (16 bytes to 64 KiB) whose bytes sign the tokens of visitors without a "
                 "session; give every instance of a farm the same file")
      ->needs("--csrf");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, off")
      ->check(log_level_validator())
      ->capture_default_str()
      ->envname("SESSDEMO_LOG_LEVEL");
}

int run_serve(const ServeOptions& o) {
  setup_logging(o.log_level);
  using std::chrono::duration_cast;
  if (o.ttl < std::chrono::seconds(2) || o.max_age < std::chrono::seconds(1)) {
    std::fprintf(stderr, "sessdemo serve: --ttl must be at least 2s and --max-age at least 1s\n");
    return 2;
  }
  {
    // memcached keys are printable ASCII without spaces or control characters (a CR or LF in a
    // key would be a second command on the wire), at most 250 bytes: <prefix>:lock:<22-char id>.
    constexpr std::size_t longest = 250 - std::string_view(":lock:").size() - 22;
    bool printable =
        !o.key_prefix.empty() && std::all_of(o.key_prefix.begin(), o.key_prefix.end(),
                                             [](char c) { return c > 0x20 && c < 0x7f; });
    if (!printable || o.key_prefix.size() > longest) {
      std::fprintf(stderr,
                   "sessdemo serve: --key-prefix must be 1 to %zu printable ASCII characters "
                   "without spaces\n",
                   longest);
      return 2;
    }
  }
  if (o.concurrency == "lock" && o.lock_ttl <= std::chrono::seconds(1) + o.store_timeout) {
    // A holder writes only while more than 1 s (memcached's expiry granularity) plus one store
    // call is left of its lock: a shorter --lock-ttl would refuse every write.
    std::fprintf(stderr,
                 "sessdemo serve: --lock-ttl must be longer than 1s plus --store-timeout (%s)\n",
                 format_duration(std::chrono::seconds(1) + o.store_timeout).c_str());
    return 2;
  }
  std::unique_ptr<SessionStore> store;
  const ReplicationStats* replication = nullptr;
  if (o.store == "memory") {
    store = std::make_unique<MemoryStore>();
  } else {
    MemcachedOptions mo;
    mo.servers = std::get<std::vector<Endpoint>>(parse_endpoints(o.memcached));
    mo.key_prefix = o.key_prefix;
    mo.timeout = std::max(std::chrono::milliseconds(1),
                          duration_cast<std::chrono::milliseconds>(o.store_timeout));
    if (o.copies > mo.servers.size()) {
      std::fprintf(stderr,
                   "sessdemo serve: --copies %u needs at least %u --memcached nodes (got %zu)\n",
                   o.copies, o.copies, mo.servers.size());
      return 2;
    }
    if (mo.servers.size() == 1) {
      store = std::make_unique<MemcachedStore>(mo);
    } else {
      // Several nodes: our own ring, so copies, failover and repair are under our control.
      ReplicationOptions ro;
      ro.copies = o.copies;
      ro.repair_ttl = duration_cast<std::chrono::seconds>(o.ttl);
      std::vector<ReplicaNode> nodes;
      for (const auto& ep : mo.servers) {
        MemcachedOptions one = mo;
        one.servers = {ep};
        nodes.push_back({ep.to_string(), std::make_unique<MemcachedStore>(one)});
      }
      if (o.copies >= 3) {
        // A majority of the copies for every read and write: survives a partition.
        auto quorum = std::make_unique<QuorumStore>(std::move(nodes), ro);
        replication = &quorum->stats();
        store = std::move(quorum);
      } else {
        auto replicated = std::make_unique<ReplicatedStore>(std::move(nodes), ro);
        replication = &replicated->stats();
        store = std::move(replicated);
      }
    }
  }
  Metrics metrics(replication);
  StoreHealth health;
  InstrumentedStore instrumented(*store, metrics, &health);
  SessionPolicy policy;
  policy.ttl = duration_cast<std::chrono::seconds>(o.ttl);
  policy.max_age = duration_cast<std::chrono::seconds>(o.max_age);
  policy.concurrency = *parse_concurrency(o.concurrency);
  policy.lock_timeout = duration_cast<std::chrono::milliseconds>(o.lock_timeout);
  policy.lock_ttl =
      std::max(std::chrono::seconds(1), duration_cast<std::chrono::seconds>(o.lock_ttl));
  policy.lock_margin =
      std::chrono::seconds(1) + duration_cast<std::chrono::milliseconds>(o.store_timeout);
  SessionService sessions(instrumented, policy);

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
  auto store_timeout_ms = std::max(std::chrono::milliseconds(1),
                                   duration_cast<std::chrono::milliseconds>(o.store_timeout));
  auto store_budget =
      store_timeout_ms - std::min(std::chrono::milliseconds(20), store_timeout_ms / 5);
  sc.store.read_budget = store_budget;
  sc.store.write_budget = store_budget;
  if (policy.concurrency == Concurrency::lock) sc.store.write_budget += policy.lock_timeout;
  sc.max_connections = o.max_connections;
  sc.idle_timeout = std::max(std::chrono::milliseconds(1),
                             duration_cast<std::chrono::milliseconds>(o.idle_timeout));
  sc.request_timeout = std::max(std::chrono::milliseconds(1),
                                duration_cast<std::chrono::milliseconds>(o.request_timeout));
  sc.shutdown_grace = duration_cast<std::chrono::milliseconds>(o.shutdown_grace);
  sc.handshake_timeout = std::max(std::chrono::milliseconds(1),
                                  duration_cast<std::chrono::milliseconds>(o.handshake_timeout));
  sc.metrics_bind = o.metrics_bind;
  RouterConfig rc;
  rc.secure_cookies = o.secure_cookies || !o.tls_cert.empty();
  rc.tls = !o.tls_cert.empty();
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    std::fprintf(stderr, "sessdemo serve: --tls-cert and --tls-key go together\n");
    return 2;
  }
  sc.tls_cert = o.tls_cert;
  sc.tls_key = o.tls_key;
  rc.metrics_elsewhere = !o.metrics_bind.empty();
  rc.csrf = o.csrf;
  if (!o.csrf_secret.empty()) {
    auto secret = read_small_file(o.csrf_secret, 64 << 10, "the --csrf-secret file");
    if (auto* e = std::get_if<FileError>(&secret)) {
      std::fprintf(stderr, "sessdemo serve: %s\n", e->message.c_str());
      return 2;
    }
    rc.csrf_secret = std::move(std::get<std::string>(secret));
    if (rc.csrf_secret.size() < 16) {
      std::fprintf(stderr, "sessdemo serve: the --csrf-secret file %s holds fewer than 16 bytes\n",
                   o.csrf_secret.c_str());
      return 2;
    }
  }
  // The router needs the id, and the default id needs the bound port: bind first.
  // Said once at start, before the server is up, so a stalled store cannot hold up the signals.
  if (o.store != "memory" && store->ping() != StoreStatus::ok)
    spdlog::warn(
        "the session store does not answer at start (memcached {}); requests that need it get 503 "
        "until it does",
        o.memcached);
  if (o.csrf && rc.csrf_secret.empty() && o.store != "memory")
    spdlog::warn(
        "--csrf without --csrf-secret: the token of a visitor without a session is checked "
        "against its pre-session cookie only (plain double submit); give every instance the same "
        "--csrf-secret file to sign it");
  Router router(rc, sessions, metrics);
  Server server(sc, router, sessions, metrics);
  // memcached's own stats (evictions, fill) every few seconds, on /metrics and in the log.
  std::optional<CacheWatch> cache_watch;
  if (o.store != "memory") cache_watch.emplace(*store, metrics, sessions.stats());
  std::string where;
  try {
    where = server.listen();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sessdemo serve: %s\n", e.what());
    return 1;
  }
  router.set_instance_id(o.id.empty() ? where : o.id);
  server.catch_signals();  // before anyone is told the server is up
  std::printf("listening on %s://%s\n", o.tls_cert.empty() ? "http" : "https", where.c_str());
  if (!server.metrics_address().empty())
    std::printf("metrics on http://%s/metrics\n", server.metrics_address().c_str());
  std::fflush(stdout);
  spdlog::info(
      "instance {} store={} memcached={} copies={} concurrency={} ttl={} max-age={} "
      "store-timeout={} "
      "threads: io={} store-write={} store-read={}",
      router.config().instance_id, o.store, o.store == "memory" ? "-" : o.memcached, o.copies,
      o.concurrency, format_duration(o.ttl), format_duration(o.max_age),
      format_duration(o.store_timeout), o.threads, o.store_threads, o.read_threads);
  server.run(true);
  if (auto cut = server.cut_requests(); cut > 0) {
    // Store calls may still be running for what was cut (up to --store-timeout); nobody waits
    // for their answers any more, so the process ends now instead of joining their threads.
    spdlog::error("stopped; {} requests were answered 503 at the grace deadline", cut);
    spdlog::shutdown();
    std::fflush(nullptr);
    std::_Exit(1);
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace sessdemo::cli
