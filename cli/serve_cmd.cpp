#include "cli/serve_cmd.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <variant>

#include <CLI/App.hpp>
#include <CLI/Validators.hpp>

#include "cli/options.hpp"
#include "cli/serve_settings.hpp"
#include "cli/small_file.hpp"
#include "common/duration.hpp"
#include "common/endpoint.hpp"
#include "common/exit_status.hpp"
#include "common/start_line.hpp"
#include "server/cache_watch.hpp"
#include "server/instrumented_store.hpp"
#include "server/server.hpp"
#include "sessions/store_factory.hpp"

namespace sessdemo::cli {

namespace {
// The instance: its address and id, its store, its sessions.
void add_store_options(CLI::App& app, ServeOptions& o) {
  app.add_option("--port,-p", o.port, "port to listen on (0 picks a free one)")
      ->check(whole_number(0, 65535))
      ->capture_default_str();
  app.add_option("--bind", o.bind, "address to listen on")->capture_default_str();
  app.add_option("--id", o.id,
                 "instance id shown on pages and in X-Instance-Id (default: host:port)")
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
  add_choice(app, "--store", o.store, parse_store_kind, to_string,
             {StoreKind::memcached, StoreKind::memory},
             "where sessions live: memcached (shared) or memory (this instance only)")
      ->envname("SESSDEMO_STORE");
  app.add_option("--memcached", o.memcached, "memcached nodes, HOST:PORT[,HOST:PORT...] (ketama)")
      ->check(endpoint_list(false))
      ->capture_default_str()
      ->envname("SESSDEMO_MEMCACHED");
  app.add_option(
         "--copies", o.copies,
         "memcached nodes that hold each session: 2 survives a node crash (primary and backup); 3 "
         "or more, a partition (a majority of the copies for every read and write)")
      ->check(whole_number(1, 16))
      ->capture_default_str();
  add_duration(app, "--ttl", o.ttl, "idle timeout, sliding");
  add_duration(app, "--max-age", o.max_age, "absolute session lifetime");
  app.add_option("--key-prefix", o.key_prefix, "memcached key prefix")->capture_default_str();
  add_duration(app, "--store-timeout", o.store_timeout, "longest wait for one store call");
  add_choice(app, "--concurrency", o.concurrency, parse_concurrency, to_string,
             {Concurrency::none, Concurrency::cas, Concurrency::lock},
             "concurrent writes of one session: none (last writer wins), cas (optimistic), lock");
  add_duration(app, "--lock-timeout", o.lock_timeout,
               "lock mode: longest wait for the session lock");
  add_duration(app, "--lock-ttl", o.lock_ttl, "lock mode: expiry of a lock whose holder died");
}

// The listener: threads, limits, timeouts, TLS, CSRF, logs.
void add_listener_options(CLI::App& app, ServeOptions& o) {
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
  app.add_option(
      "--tls-cert", o.tls_cert,
      "serve HTTPS with this certificate chain (PEM); the session cookie is then Secure");
  app.add_option("--tls-key", o.tls_key, "the private key of --tls-cert (PEM)");
  app.add_flag("--csrf", o.csrf,
               "protect writes with a per-session token: the Home form carries it (csrf_token), "
               "JSON writes send it as X-CSRF-Token; 403 without it");
  app.add_option("--csrf-secret", o.csrf_secret,
                 "a file (16 bytes to 64 KiB) whose bytes sign the tokens of visitors without a "
                 "session; give every instance of a farm the same file")
      ->needs("--csrf");
  app.add_option("--trusted-origin", o.trusted_origins,
                 "take writes whose Origin is this one (scheme://host[:port]) though it is not the "
                 "request's own, as Django's CSRF_TRUSTED_ORIGINS (repeatable); a balancer that "
                 "passes Host unchanged needs none")
      ->type_name("ORIGIN");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, off")
      ->check(log_level_validator())
      ->capture_default_str()
      ->envname("SESSDEMO_LOG_LEVEL");
}
}  // namespace

void setup_serve(CLI::App& app, ServeOptions& o) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // later flags win
  add_store_options(app, o);
  add_listener_options(app, o);
}

namespace {
// Said once at start, before the server is up, so a stalled store cannot hold up the signals.
void warn_at_start(const ServeOptions& o, SessionStore& store, const RouterConfig& rc) {
  if (o.store == StoreKind::memory) return;
  if (store.ping() != StoreStatus::ok)
    spdlog::warn(
        "the session store does not answer at start (memcached {}); requests that need it get 503 "
        "until it does",
        o.memcached);
  if (o.csrf && rc.csrf_secret.empty())
    spdlog::warn(
        "--csrf without --csrf-secret: the token of a visitor without a session is checked "
        "against its pre-session cookie only (plain double submit); give every instance the same "
        "--csrf-secret file to sign it");
}

int refuse(const std::string& why) {
  std::fprintf(stderr, "sessdemo serve: %s\n", why.c_str());
  return exit_code::usage;
}

// Serves until a signal; 0 after a clean drain, 1 when requests were cut at the grace deadline.
int serve_until_stopped(Server& server, const ServeOptions& o, const Router& router) {
  server.catch_signals();  // before anyone is told the server is up
  std::fflush(stdout);
  spdlog::info(
      "instance {} store={} memcached={} copies={} concurrency={} ttl={} max-age={} "
      "store-timeout={} threads: io={} store-write={} store-read={}",
      router.config().instance_id, to_string(o.store),
      o.store == StoreKind::memory ? "-" : o.memcached, o.copies, to_string(o.concurrency),
      format_duration(o.ttl), format_duration(o.max_age), format_duration(o.store_timeout),
      o.threads, o.store_threads, o.read_threads);
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
}  // namespace

// The composition root: the store, the sessions over it, the router over them, the server.
int run_serve(const ServeOptions& o) {
  setup_logging(o.log_level);
  if (auto why = refusal_of(o)) return refuse(*why);
  auto rc = router_config(o);
  if (auto* why = std::get_if<std::string>(&rc)) return refuse(*why);
  BuiltStore built;
  try {
    built = make_store(store_spec(o));
  } catch (const std::invalid_argument& e) {
    return refuse(e.what());
  }
  Metrics metrics(built.replication);
  StoreHealth health;
  InstrumentedStore instrumented(*built.store, metrics, &health);
  SessionPolicy policy = session_policy(o);
  SessionService sessions(instrumented, policy);
  warn_at_start(o, *built.store, std::get<RouterConfig>(rc));
  Router router(std::get<RouterConfig>(rc), sessions, metrics);
  Server server(server_config(o, policy), router, sessions, metrics);
  // memcached's own stats (evictions, fill) every few seconds, on /metrics and in the log.
  std::optional<CacheWatch> cache_watch;
  if (o.store != StoreKind::memory) cache_watch.emplace(*built.store, metrics, sessions.stats());
  std::string where;
  try {
    where = server.listen();  // the default id needs the bound port: bind first
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sessdemo serve: %s\n", e.what());
    return 1;
  }
  router.set_instance_id(o.id.empty() ? where : o.id);
  std::printf("%s\n", start_line::of(!o.tls_cert.empty(), where).c_str());
  if (!server.metrics_address().empty())
    std::printf("metrics on http://%s/metrics\n", server.metrics_address().c_str());
  return serve_until_stopped(server, o, router);
}

}  // namespace sessdemo::cli
