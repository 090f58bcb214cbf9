#include "server/server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <optional>
#include <thread>
#include <unordered_set>
#include <variant>
#include <vector>

#include "common/endpoint.hpp"
#include "server/http_wire.hpp"
#include "server/listen_address.hpp"

namespace sessdemo {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {
using Clock = std::chrono::steady_clock;
using Socket = net::basic_stream_socket<tcp, net::io_context::executor_type>;

// Where a connection is: what its deadline (if any) bounds.
enum class Phase {
  waiting,   // for the first byte of a request: the idle timeout (request timeout at first)
  reading,   // the rest of the request: the request timeout from its first byte
  handling,  // the router or the store executor has it: the store's deadlines bound it
  writing,   // the answer: the request timeout
};

struct Worker;

struct Connection {
  Connection(Socket s, Worker& w, bool metrics)
      : socket(std::move(s)), worker(w), metrics_only(metrics) {}
  Socket socket;
  const Clock::time_point accepted = Clock::now();  // the first request's time runs from here
  Worker& worker;
  const bool metrics_only;  // accepted on --metrics-bind: /metrics and /healthz only
  // Touched only on the worker's thread:
  Phase phase = Phase::waiting;
  Clock::time_point deadline = Clock::time_point::max();
  const http::Request* request = nullptr;  // while handling, for the 503 of a cut
  bool cut = false;                        // answered 503 at the grace deadline
  bool tls = false;                        // HTTPS, past its handshake
  std::string out;                         // the answer, serialized; reused request to request
};

// One I/O thread and its io_context: a connection lives on one worker from accept to close, so
// nothing of a connection needs a lock or a strand.
struct Worker {
  std::unordered_set<Connection*> conns;  // before ioc: frames that erase from it die with ioc
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> guard{ioc.get_executor()};
};

// The answer goes out next: serialized into the connection's buffer, under the write deadline.
void prepare_answer(Connection& c, const http::Response& res, std::chrono::milliseconds timeout) {
  serialize_response(res, c.out);
  if (c.tls) {
    // Over HTTPS, every answer tells the browser to come back over HTTPS only (a year).
    constexpr std::string_view hsts = "Strict-Transport-Security: max-age=31536000\r\n";
    auto head_end = c.out.find("\r\n");
    if (head_end != std::string::npos) c.out.insert(head_end + 2, hsts);
  }
  c.phase = Phase::writing;
  c.deadline = Clock::now() + timeout;
}
}  // namespace

struct Server::Impl {
  Impl(ServerConfig c, Router& r, Metrics& m)
      : config(std::move(c)), router(r), metrics(m), workers(make_workers(config.threads)),
        acceptor(workers[0]->ioc), metrics_acceptor(workers[0]->ioc), store(r, config.store) {
    metrics.set_executor(&store.stats());
  }
  static std::vector<std::unique_ptr<Worker>> make_workers(unsigned n) {
    std::vector<std::unique_ptr<Worker>> w;
    for (unsigned i = 0; i < std::max(1u, n); ++i) w.push_back(std::make_unique<Worker>());
    return w;
  }

  ServerConfig config;
  Router& router;
  Metrics& metrics;
  std::vector<std::unique_ptr<Worker>> workers;
  tcp::acceptor acceptor;
  tcp::acceptor metrics_acceptor;
  std::string metrics_where;
  std::optional<net::ssl::context> tls;  // --tls-cert and --tls-key: HTTPS on the main port
  // After the workers: destroyed first, so its threads have finished before the coroutine
  // frames that wait for them go away with the io_contexts.
  StoreExecutor store;
  net::signal_set signals{workers[0]->ioc};
  bool catching_signals = false;
  std::atomic<bool> stopping{false};
  std::atomic<bool> cut_now{false};  // a second stop: the grace period ends at once
  std::atomic<std::size_t> cut{0};
  std::atomic<int> refusing{0};  // refused connections still being answered 503
  std::atomic<unsigned> handshaking{0};  // TLS handshakes in progress
  // --metrics-bind has a small budget of its own, not counted against --max-connections: with
  // the public port full, monitoring still gets /metrics and /healthz.
  static constexpr long max_monitoring = 16;
  std::atomic<long> monitoring{0};
  std::size_t next_worker = 0;   // on worker 0's thread

  net::awaitable<void> accept_loop(tcp::acceptor& a, bool metrics_only);
  void refuse_connection(Socket socket);
  net::awaitable<void> answer_refused(Socket socket);
  static void close_with_alert(Socket& socket);
  // Ends a connection whatever path leaves its coroutine (return, error or exception): the
  // socket is closed, the connection forgotten and counted out.
  struct ConnectionCleanup {
    Impl& impl;
    Connection& conn;
    ~ConnectionCleanup();
  };

  net::awaitable<void> serve(std::shared_ptr<Connection> conn);
  template <class Stream>
  net::awaitable<void> serve_loop(Connection& c, Stream& s);
  net::awaitable<void> sweep(Worker& w);
  auto store_answer(const http::Request& req);
  net::awaitable<void> drain();
  void begin_stop();
  // At the grace deadline: what waits for the store gets 503, every connection is closed.
  void cut_connections(Worker& w);
  std::chrono::milliseconds sweep_interval() const;
};


Server::Impl::ConnectionCleanup::~ConnectionCleanup() {
  beast::error_code ignored;
  conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
  conn.socket.close(ignored);
  conn.worker.conns.erase(&conn);
  if (conn.metrics_only)
    impl.monitoring.fetch_sub(1);
  else
    impl.metrics.connection_closed();
}

// Store work goes to the executor; the coroutine that awaits this resumes on its worker with
// the answer. (An initiation, not a coroutine of its own: no frame per request.)
auto Server::Impl::store_answer(const http::Request& req) {
  return net::async_initiate<decltype(net::use_awaitable), void(http::Response)>(
      [this, &req](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        store.submit(req, [shared](http::Response r) {
          auto exec = net::get_associated_executor(*shared);
          net::post(exec, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
      },
      net::use_awaitable);
}

std::chrono::milliseconds Server::Impl::sweep_interval() const {
  auto shortest = std::min(config.idle_timeout, config.request_timeout);
  return std::clamp(shortest / 10, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
}

// Deadlines are times on the connection, checked by one sweep per worker a few times a second:
// a request costs two clock reads instead of a timer armed and cancelled per read and write.
net::awaitable<void> Server::Impl::sweep(Worker& w) {
  net::steady_timer t(w.ioc);
  auto every = sweep_interval();
  while (!(stopping && w.conns.empty())) {
    t.expires_after(every);
    co_await t.async_wait(use_tuple);
    auto now = Clock::now();
    for (Connection* c : w.conns) {
      if (c->phase == Phase::handling || c->deadline > now) continue;
      beast::error_code ignored;
      c->socket.cancel(ignored);  // the pending read or write ends with operation_aborted
      c->deadline = Clock::time_point::max();
    }
  }
}

net::awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> conn) {
  auto& c = *conn;
  ConnectionCleanup cleanup{*this, c};
  if (!tls || c.metrics_only) {
    co_await serve_loop(c, c.socket);
    co_return;
  }
  // HTTPS: the handshake has a deadline of its own (at most the first request's), and the
  // first request's time runs from accept, handshake included: one deadline, set here once.
  if (handshaking.fetch_add(1) >= config.max_handshakes) {
    handshaking.fetch_sub(1);
    close_with_alert(c.socket);
    co_return;
  }
  net::ssl::stream<Socket&> stream(c.socket, *tls);
  c.phase = Phase::reading;
  c.deadline = c.accepted + std::min(config.handshake_timeout, config.request_timeout);
  auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
  handshaking.fetch_sub(1);
  if (ec) co_return;  // not TLS, an unknown CA on the client's side, or too slow
  c.tls = true;
  c.deadline = c.accepted + config.request_timeout;
  co_await serve_loop(c, stream);
  // close_notify, so the client can tell the end from a cut; its answer is waited for briefly.
  if (!c.cut && !cut_now) {
    c.phase = Phase::waiting;
    c.deadline = Clock::now() + std::chrono::milliseconds(200);
    co_await stream.async_shutdown(use_tuple);
  }
}

// A TLS connection that cannot be served (past --max-connections, too many handshakes): a fatal
// TLS alert (internal_error) and close, not a plaintext 503 a TLS client reads as garbage.
void Server::Impl::close_with_alert(Socket& socket) {
  static constexpr unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50};
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.send(net::buffer(alert, sizeof alert), 0, ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

template <class Stream>
net::awaitable<void> Server::Impl::serve_loop(Connection& c, Stream& s) {
  // Bounded: a request never needs more than its headers, its body and a little framing, so
  // huge chunk extensions or trailers end the read (buffer_overflow) instead of the memory.
  beast::flat_buffer buffer(config.header_limit + config.body_limit + 8 * 1024);
  static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
  for (bool first = true;; first = false) {
    // The wait for the next request: the idle timeout until its first byte (bytes already
    // buffered, pipelined, need no wait), then the request timeout for the whole of it.
    c.phase = Phase::waiting;
    beast::error_code ec;
    std::size_t n = 0;
    if (buffer.size() == 0) {
      // The first request's deadline runs from accept (set by serve(), handshake included).
      c.deadline = first ? c.accepted + config.request_timeout : Clock::now() + config.idle_timeout;
      std::tie(ec, n) = co_await s.async_read_some(buffer.prepare(4096), use_tuple);
      if (ec) break;  // closed, idle too long, or stopping: nothing to answer
      buffer.commit(n);
    }
    c.phase = Phase::reading;
    if (!first) c.deadline = Clock::now() + config.request_timeout;  // the first: from accept
    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
    parser.body_limit(config.body_limit);
    std::tie(ec, n) = co_await beast::http::async_read_header(s, buffer, parser, use_tuple);
    std::optional<http::Response> refused;
    if (!ec) refused = refuse_header(router, parser.get());
    if (!ec && !refused && !parser.is_done()) {
      if (beast::iequals(parser.get()[http::Field::expect], "100-continue"))
        co_await net::async_write(s, net::buffer(continue_line.data(), continue_line.size()),
                                  use_tuple);
      std::tie(ec, n) = co_await beast::http::async_read(s, buffer, parser, use_tuple);
      // Trailers count against the header limit, with the headers.
      if (!ec && field_bytes(parser.get()) > config.header_limit)
        refused = parse_failure(router, beast::http::error::header_limit);
    }
    if (ec || refused) {
      if (refused || is_parse_error(ec)) {
        auto res = refused ? std::move(*refused) : parse_failure(router, ec);
        metrics.count_request(Route::other, res.result_int());
        prepare_answer(c, res, config.request_timeout);
        co_await net::async_write(s, net::buffer(c.out), use_tuple);
      }
      break;  // EOF, timeout, cancel on shutdown: nothing to answer
    }
    http::Request req = parser.release();
    http::Response res;
    c.phase = Phase::handling;
    c.request = &req;
    try {
      if (c.metrics_only)
        res = router.handle_metrics_listener(req);
      else if (router.needs_store(req))
        res = co_await store_answer(req);
      else
        res = router.handle(req);
      if (req.method() == http::Verb::head) {
        // HEAD: the headers GET would send, Content-Length included, and no body.
        auto length = res.body().size();
        res.body().clear();
        res.set(http::Field::content_length, std::to_string(length));
      }
    } catch (const std::exception& e) {
      // One answer and one log line per failed request; the connection is closed after it.
      spdlog::error("{} {}: {}", std::string(req.method_string()), std::string(req.target()),
                    e.what());
      res = router.refusal(req, http::Status::internal_server_error);
      req.keep_alive(false);
    }
    c.request = nullptr;
    if (c.cut) break;  // answered 503 at the grace deadline meanwhile
    res.keep_alive(req.keep_alive() && !stopping.load());
    prepare_answer(c, res, config.request_timeout);
    auto [wec, wn] = co_await net::async_write(s, net::buffer(c.out), use_tuple);
    if (wec || !res.keep_alive()) break;
  }
}

// Past --max-connections: a 503 that says so, instead of a reset with no answer. The request is
// read (so that closing sends FIN, not RST, which would discard the answer) for at most a
// second; at most 64 such answers at a time, past that the connection is just closed.
void Server::Impl::refuse_connection(Socket socket) {
  metrics.connection_refused();
  if (tls) {
    close_with_alert(socket);
    return;
  }
  if (refusing.fetch_add(1) >= 64) {
    refusing.fetch_sub(1);
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  auto exec = socket.get_executor();
  net::co_spawn(exec, answer_refused(std::move(socket)), net::detached);
}

net::awaitable<void> Server::Impl::answer_refused(Socket socket) {
  static const std::string answer = [] {
    std::string body = "This instance has too many open connections; try again later.\n";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  // Shared with the timer's handler: a completion already queued when the coroutine ends (the
  // timer fired just as the peer closed) still finds the socket alive.
  auto s = std::make_shared<Socket>(std::move(socket));
  net::steady_timer limit(s->get_executor(), std::chrono::seconds(1));
  limit.async_wait([s](beast::error_code ec) {
    beast::error_code ignored;
    if (!ec) s->cancel(ignored);
  });
  auto [wec, wn] = co_await net::async_write(*s, net::buffer(answer), use_tuple);
  beast::error_code ignored;
  s->shutdown(tcp::socket::shutdown_send, ignored);
  char sink[1024];
  while (!wec) {
    auto [rec, rn] = co_await s->async_read_some(net::buffer(sink), use_tuple);
    if (rec) break;
  }
  limit.cancel();
  s->close(ignored);
  refusing.fetch_sub(1);
}

net::awaitable<void> Server::Impl::accept_loop(tcp::acceptor& a, bool metrics_only) {
  for (;;) {
    Worker& w = *workers[next_worker++ % workers.size()];
    auto [ec, socket] = co_await a.async_accept(w.ioc, use_tuple);
    if (ec) {
      if (ec == net::error::operation_aborted || stopping) co_return;
      spdlog::warn("accept: {}", ec.message());
      if (ec == net::error::no_descriptors) {
        // Out of file descriptors: back off instead of spinning.
        net::steady_timer t(workers[0]->ioc, std::chrono::milliseconds(50));
        co_await t.async_wait(use_tuple);
      }
      continue;
    }
    if (metrics_only) {
      if (monitoring.fetch_add(1) >= max_monitoring) {
        monitoring.fetch_sub(1);
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
    } else if (static_cast<std::size_t>(metrics.open_connections()) >= config.max_connections) {
      refuse_connection(std::move(socket));
      continue;
    }
    beast::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);  // the peer may be gone already: not fatal
    if (!metrics_only) metrics.connection_opened();
    auto conn = std::make_shared<Connection>(std::move(socket), w, metrics_only);
    // The worker owns its connection list: the connection joins it on the worker's thread.
    net::dispatch(w.ioc, [this, conn] {
      conn->worker.conns.insert(conn.get());
      net::co_spawn(conn->worker.ioc, serve(conn), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("connection: {}", ex.what());
        }
      });
    });
  }
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) {
    // A second signal or stop(): what is still in flight is answered now.
    if (!cut_now.exchange(true)) spdlog::warn("stopping now: in-flight requests are answered 503");
    return;
  }
  spdlog::info("stopping: no new connections, draining in-flight requests");
  net::post(workers[0]->ioc, [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    metrics_acceptor.close(ignored);
    net::co_spawn(workers[0]->ioc, drain(), net::detached);
  });
  for (auto& wp : workers) {
    Worker& w = *wp;
    net::post(w.ioc, [&w] {
      // Connections between requests (or in the middle of one) end now; those being handled
      // end after their answer (keep-alive is off).
      for (Connection* c : w.conns) {
        beast::error_code ignored;
        if (c->phase == Phase::waiting || c->phase == Phase::reading) c->socket.cancel(ignored);
      }
    });
  }
}

void Server::Impl::cut_connections(Worker& w) {
  for (Connection* c : w.conns) {
    beast::error_code ignored;
    if (c->phase == Phase::handling && c->request && c->tls) {
      // No plain bytes into a TLS stream: the client sees the connection close.
      c->cut = true;
      cut++;
    } else if (c->phase == Phase::handling && c->request) {
      // The coroutine waits for the store; it will find the connection cut and write nothing.
      auto res = router.refusal(*c->request, http::Status::service_unavailable);
      res.keep_alive(false);
      serialize_response(res, c->out);
      c->socket.non_blocking(true, ignored);
      c->socket.write_some(net::buffer(c->out), ignored);  // a small answer: fits the send buffer
      c->cut = true;
      cut++;
    }
    c->socket.shutdown(tcp::socket::shutdown_both, ignored);
    c->socket.cancel(ignored);
  }
}

net::awaitable<void> Server::Impl::drain() {
  auto deadline = Clock::now() + config.shutdown_grace;
  net::steady_timer t(workers[0]->ioc);
  while (metrics.open_connections() > 0 && Clock::now() < deadline && !cut_now) {
    t.expires_after(std::chrono::milliseconds(10));
    co_await t.async_wait(use_tuple);
  }
  if (metrics.open_connections() > 0) {
    spdlog::warn("{} connections still open {}; answering 503 to what is in flight",
                 metrics.open_connections(),
                 cut_now ? "at the second stop signal" : "after the grace period");
    auto pending = std::make_shared<std::atomic<std::size_t>>(workers.size());
    for (auto& wp : workers)
      net::post(wp->ioc, [this, &w = *wp, pending] {
        cut_connections(w);
        pending->fetch_sub(1);
      });
    while (pending->load() > 0) {
      t.expires_after(std::chrono::milliseconds(1));
      co_await t.async_wait(use_tuple);
    }
    for (auto& wp : workers) wp->ioc.stop();
  }
  beast::error_code ignored;
  signals.cancel(ignored);
  for (auto& wp : workers) wp->guard.reset();
}

Server::Server(ServerConfig config, Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(config), router, metrics)) {}

Server::~Server() = default;


namespace {
// Said at start: a certificate past its end, or ending within a week, fails every client soon.
void warn_if_expiring(SSL_CTX* ctx, const std::string& file) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (!cert) return;
  int days = 0, secs = 0;
  if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert)) != 1) return;
  if (days < 0 || secs < 0)
    spdlog::warn("the TLS certificate {} has expired: clients will refuse it", file);
  else if (days < 7)
    spdlog::warn("the TLS certificate {} expires in {} days {} hours: renew it", file, days, secs / 3600);
}
}  // namespace

std::string Server::listen() {
  auto& cfg = impl_->config;
  if (!cfg.tls_cert.empty()) {
    net::ssl::context ctx(net::ssl::context::tls_server);
    ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                    net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                    net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    boost::system::error_code ec;
    ctx.use_certificate_chain_file(cfg.tls_cert, ec);
    if (ec) throw std::runtime_error("--tls-cert " + cfg.tls_cert + ": " + ec.message());
    ctx.use_private_key_file(cfg.tls_key, net::ssl::context::pem, ec);
    if (ec) throw std::runtime_error("--tls-key " + cfg.tls_key + ": " + ec.message());
    // TLS 1.2 with forward secrecy only (ECDHE or DHE key exchange, AEAD ciphers); TLS 1.3's
    // suites all have it.
    if (SSL_CTX_set_cipher_list(ctx.native_handle(),
                                "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!eNULL") != 1)
      throw std::runtime_error("no TLS 1.2 cipher with forward secrecy is available");
    warn_if_expiring(ctx.native_handle(), cfg.tls_cert);
    impl_->tls.emplace(std::move(ctx));
  }
  std::string where = bind_acceptor(impl_->acceptor, cfg.bind, cfg.port);
  if (!cfg.metrics_bind.empty()) {
    auto parsed = parse_endpoints(cfg.metrics_bind);
    if (auto* why = std::get_if<std::string>(&parsed))
      throw std::runtime_error("--metrics-bind: " + *why);
    auto& eps = std::get<std::vector<Endpoint>>(parsed);
    if (eps.size() != 1) throw std::runtime_error("--metrics-bind takes one ADDR:PORT");
    impl_->metrics_where = bind_acceptor(impl_->metrics_acceptor, eps[0].host, eps[0].port);
  }
  return where;
}

std::string Server::metrics_address() const {
  return impl_->metrics_where;
}

std::size_t Server::cut_requests() const {
  return impl_->cut.load();
}

void Server::catch_signals() {
  auto& im = *impl_;
  if (im.catching_signals) return;
  im.catching_signals = true;
  beast::error_code ec;
  im.signals.add(SIGINT, ec);
  im.signals.add(SIGTERM, ec);
  // The first signal drains; a second one ends the grace period at once.
  struct Waiter {
    Impl& im;
    void operator()(beast::error_code wec, int) const {
      if (wec) return;
      im.begin_stop();
      if (!im.cut_now) im.signals.async_wait(Waiter{im});
    }
  };
  im.signals.async_wait(Waiter{im});
}

void Server::run(bool handle_signals) {
  auto& im = *impl_;
  if (handle_signals) catch_signals();
  net::co_spawn(im.workers[0]->ioc, im.accept_loop(im.acceptor, false), net::detached);
  if (im.metrics_acceptor.is_open())
    net::co_spawn(im.workers[0]->ioc, im.accept_loop(im.metrics_acceptor, true), net::detached);
  for (auto& w : im.workers) net::co_spawn(w->ioc, im.sweep(*w), net::detached);
  // An exception that escapes a handler ends run() on that thread: logged, and the thread goes
  // back to serving, so no request can take the process down.
  auto serve_ioc = [](net::io_context& ioc) {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("a handler failed: {}", e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < im.workers.size(); ++i)
    threads.emplace_back(serve_ioc, std::ref(im.workers[i]->ioc));
  serve_ioc(im.workers[0]->ioc);
  for (auto& t : threads) t.join();
}

void Server::stop() {
  impl_->begin_stop();
}

}  // namespace sessdemo
