#include "server/server.hpp"

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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sessdemo {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {
struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool busy = false;  // a request is being handled; touched only on the connection's strand
};
}  // namespace

struct Server::Impl {
  Impl(ServerConfig c, Router& r, Metrics& m)
      : config(std::move(c)),
        router(r),
        metrics(m),
        ioc(static_cast<int>(config.threads)),
        acceptor(ioc),
        store(r, config.store) {
    metrics.set_executor(&store.stats());
  }

  ServerConfig config;
  Router& router;
  Metrics& metrics;
  net::io_context ioc;
  tcp::acceptor acceptor;
  // After ioc: destroyed first, so its threads have finished before the coroutine frames that
  // wait for them go away with the io_context.
  StoreExecutor store;
  net::signal_set signals{ioc};
  bool catching_signals = false;
  std::atomic<bool> stopping{false};
  std::mutex conns_mutex;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> conns;
  std::uint64_t next_conn_id = 0;

  net::awaitable<void> accept_loop();
  // Ends a connection whatever path leaves its coroutine (return, error or exception): the
  // socket is closed, the connection forgotten and counted out.
  struct ConnectionCleanup {
    Impl& impl;
    Connection& conn;
    std::uint64_t id;
    ~ConnectionCleanup();
  };

  net::awaitable<void> serve(std::shared_ptr<Connection> conn, std::uint64_t id);
  auto store_answer(const http::Request& req);
  net::awaitable<void> drain();
  void begin_stop();
};

namespace {
// Answers a request that failed to parse, then the connection is closed.
http::Response parse_failure(const Router& router, beast::error_code ec) {
  http::Status st = http::Status::bad_request;
  std::string msg = "The request could not be parsed: " + ec.message();
  if (ec == beast::http::error::header_limit) {
    st = http::Status::request_header_fields_too_large;
    msg = "The request headers are larger than the limit.";
  } else if (ec == beast::http::error::body_limit) {
    st = http::Status::payload_too_large;
    msg = "The request body is larger than the limit.";
  } else if (ec == beast::http::error::buffer_overflow) {
    // More than a whole request may hold: with the headers read, chunk extensions or trailers.
    st = http::Status::request_header_fields_too_large;
    msg = "The request (its chunk extensions or trailers) is larger than the limit.";
  }
  http::Response res{st, 11};
  res.set(http::Field::content_type, "text/plain; charset=utf-8");
  res.set("X-Instance-Id", router.config().instance_id);
  res.body() = msg + "\n";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

// What the request line and headers alone decide: nothing when the request may go on.
std::optional<http::Response> refuse_header(const Router& router, const http::Request& req) {
  auto refuse = [&](http::Status st, std::string msg) {
    http::Response res{st, 11};
    res.set(http::Field::content_type, "text/plain; charset=utf-8");
    res.set("X-Instance-Id", router.config().instance_id);
    res.body() = std::move(msg) + "\n";
    res.keep_alive(false);
    res.prepare_payload();
    return res;
  };
  // RFC 9112: a transfer coding other than one final "chunked" is refused, or the body would
  // be read as the next request (request smuggling).
  auto te = req.count(http::Field::transfer_encoding);
  if (te > 1 || (te == 1 && !beast::iequals(req[http::Field::transfer_encoding], "chunked")))
    return refuse(http::Status::not_implemented,
                  "Transfer-Encoding other than a single 'chunked' is not supported.");
  if (req.version() >= 11 && req.count(http::Field::host) != 1)
    return refuse(http::Status::bad_request, "An HTTP/1.1 request needs exactly one Host header.");
  return std::nullopt;
}

// Bytes of the names and values of every field: the headers, and the trailers once read.
std::size_t field_bytes(const http::Request& req) {
  std::size_t n = 0;
  for (const auto& f : req) n += f.name_string().size() + f.value().size() + 4;
  return n;
}

bool is_parse_error(beast::error_code ec) {
  return ec.category() == beast::http::make_error_code(beast::http::error::bad_method).category() &&
         ec != beast::http::error::end_of_stream && ec != beast::http::error::partial_message;
}
}  // namespace

Server::Impl::ConnectionCleanup::~ConnectionCleanup() {
  beast::error_code ignored;
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn.stream.socket().close(ignored);
  {
    std::lock_guard lock(impl.conns_mutex);
    impl.conns.erase(id);
  }
  impl.metrics.connection_closed();
}

// Store work goes to the executor; the coroutine that awaits this resumes on its strand with
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

net::awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> conn, std::uint64_t id) {
  ConnectionCleanup cleanup{*this, *conn, id};
  // Bounded: a request never needs more than its headers, its body and a little framing, so
  // huge chunk extensions or trailers end the read (buffer_overflow) instead of the memory.
  beast::flat_buffer buffer(config.header_limit + config.body_limit + 8 * 1024);
  auto& stream = conn->stream;
  static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
  for (bool first = true;; first = false) {
    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
    parser.body_limit(config.body_limit);
    stream.expires_after(first ? config.request_timeout : config.idle_timeout);
    auto [ec, n] = co_await beast::http::async_read_header(stream, buffer, parser, use_tuple);
    std::optional<http::Response> refused;
    if (!ec) refused = refuse_header(router, parser.get());
    if (!ec && !refused && !parser.is_done()) {
      if (beast::iequals(parser.get()[http::Field::expect], "100-continue"))
        co_await net::async_write(stream, net::buffer(continue_line.data(), continue_line.size()),
                                  use_tuple);
      std::tie(ec, n) = co_await beast::http::async_read(stream, buffer, parser, use_tuple);
      // Trailers count against the header limit, with the headers.
      if (!ec && field_bytes(parser.get()) > config.header_limit)
        refused = parse_failure(router, beast::http::error::header_limit);
    }
    if (ec || refused) {
      if (refused || is_parse_error(ec)) {
        auto res = refused ? std::move(*refused) : parse_failure(router, ec);
        metrics.count_request(Route::other, res.result_int());
        stream.expires_after(std::chrono::seconds(5));
        co_await beast::http::async_write(stream, res, use_tuple);
      }
      break;  // EOF, timeout, cancel on shutdown: nothing to answer
    }
    conn->busy = true;
    http::Request req = parser.release();
    http::Response res;
    try {
      if (router.needs_store(req))
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
    res.keep_alive(req.keep_alive() && !stopping.load());
    stream.expires_after(config.request_timeout);
    auto [wec, wn] = co_await beast::http::async_write(stream, res, use_tuple);
    conn->busy = false;
    if (wec || !res.keep_alive()) break;
  }
}

net::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), use_tuple);
    if (ec) {
      if (ec == net::error::operation_aborted || stopping) co_return;
      spdlog::warn("accept: {}", ec.message());
      if (ec == net::error::no_descriptors) {
        // Out of file descriptors: back off instead of spinning.
        net::steady_timer t(ioc, std::chrono::milliseconds(50));
        co_await t.async_wait(use_tuple);
      }
      continue;
    }
    if (static_cast<std::size_t>(metrics.open_connections()) >= config.max_connections) {
      metrics.connection_refused();
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    beast::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);  // the peer may be gone already: not fatal
    metrics.connection_opened();
    auto conn = std::make_shared<Connection>(std::move(socket));
    std::uint64_t id;
    {
      std::lock_guard lock(conns_mutex);
      id = next_conn_id++;
      conns.emplace(id, conn);
    }
    auto exec = conn->stream.get_executor();
    net::co_spawn(exec, serve(std::move(conn), id), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("connection: {}", ex.what());
      }
    });
  }
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  spdlog::info("stopping: no new connections, draining in-flight requests");
  net::post(ioc, [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);  // so the io_context can run out of work
    std::lock_guard lock(conns_mutex);
    for (auto& [id, c] : conns) {
      // Idle connections end now; busy ones end after their response (keep-alive is off).
      net::post(c->stream.get_executor(), [c] {
        beast::error_code ignored;  // the socket may have been closed meanwhile
        if (!c->busy) c->stream.socket().cancel(ignored);
      });
    }
  });
  net::co_spawn(ioc, drain(), net::detached);
}

net::awaitable<void> Server::Impl::drain() {
  auto deadline = std::chrono::steady_clock::now() + config.shutdown_grace;
  net::steady_timer t(ioc);
  while (metrics.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    t.expires_after(std::chrono::milliseconds(20));
    co_await t.async_wait(use_tuple);
  }
  if (metrics.open_connections() > 0) {
    spdlog::warn("{} connections still open after the grace period; closing them",
                 metrics.open_connections());
    ioc.stop();
  }
}

Server::Server(ServerConfig config, Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(config), router, metrics)) {}

Server::~Server() = default;

const ExecutorStats& Server::store_stats() const {
  return impl_->store.stats();
}

std::string Server::listen() {
  auto& cfg = impl_->config;
  beast::error_code ec;
  auto addr = net::ip::make_address(cfg.bind, ec);
  if (ec) {
    // A host name: its first address (localhost is 127.0.0.1 or ::1).
    tcp::resolver resolver(impl_->ioc);
    auto found = resolver.resolve(cfg.bind, std::to_string(cfg.port), tcp::resolver::passive, ec);
    if (ec || found.empty())
      throw std::runtime_error("'" + cfg.bind +
                               "' is neither an IP address nor a host name that resolves");
    addr = found.begin()->endpoint().address();
  }
  tcp::endpoint ep(addr, cfg.port);
  std::string where = (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" +
                      std::to_string(cfg.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (ec) throw std::runtime_error("cannot open a socket: " + ec.message());
  a.set_option(net::socket_base::reuse_address(true), ec);
  a.bind(ep, ec);
  if (ec) {
    if (ec == net::error::address_in_use)
      throw std::runtime_error("port " + std::to_string(cfg.port) + " is already in use on " +
                               addr.to_string());
    if (ec == boost::system::errc::address_not_available)
      throw std::runtime_error(addr.to_string() + " is not an address of this machine");
    if (ec == net::error::access_denied)
      throw std::runtime_error("no permission to listen on " + where +
                               " (ports below 1024 need root)");
    throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  }
  a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  auto bound = a.local_endpoint(ec);
  std::string host = bound.address().to_string();
  if (bound.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(bound.port());
}

std::uint16_t Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void Server::catch_signals() {
  auto& im = *impl_;
  if (im.catching_signals) return;
  im.catching_signals = true;
  beast::error_code ec;
  im.signals.add(SIGINT, ec);
  im.signals.add(SIGTERM, ec);
  im.signals.async_wait([this](beast::error_code wec, int) {
    if (!wec) impl_->begin_stop();
  });
}

void Server::run(bool handle_signals) {
  auto& im = *impl_;
  if (handle_signals) catch_signals();
  net::co_spawn(im.ioc, im.accept_loop(), net::detached);
  // An exception that escapes a handler ends run() on that thread: logged, and the thread goes
  // back to serving, so no request can take the process down.
  auto serve_ioc = [&im] {
    for (;;) {
      try {
        im.ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("a handler failed: {}", e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < im.config.threads; ++i) threads.emplace_back(serve_ioc);
  serve_ioc();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  impl_->begin_stop();
}

}  // namespace sessdemo
