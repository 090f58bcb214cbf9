#include <spdlog/spdlog.h>

#include "server/server_impl.hpp"
#include "server/tls_socket.hpp"

namespace sessdemo {
using namespace serving;  // this file is part of the server's inside

// One connection from accept to close: the TLS handshake, then request after request.
namespace serving {
// HEAD: the headers GET would send, Content-Length included, and no body.
void answer_head(http::Response& res) {
  auto length = res.body().size();
  res.body().clear();
  res.set(http::Field::content_length, std::to_string(length));
}

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
}  // namespace serving

Server::Impl::ConnectionCleanup::~ConnectionCleanup() {
  beast::error_code ignored;
  conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
  conn.socket.close(ignored);
  conn.home.conns.erase(&conn);
  if (conn.metrics_only)
    impl.monitoring.fetch_sub(1);
  else
    impl.metrics.connection_closed();
}

namespace {
// The answer for a coroutine that awaits the store, as the executor's Done: the coroutine resumes
// on its own I/O thread. Posted there, or with may_run_here run at once when done is called on
// that thread (never inside the initiation: the executor may refuse a submit there at once).
// The handler is held as it is (Done is move-only and keeps it inline): nothing is allocated.
template <class Handler>
StoreExecutor::Done resume_on_its_thread(Handler handler, bool may_run_here) {
  return [handler = std::move(handler), may_run_here](http::Response r) mutable {
    auto exec = net::get_associated_executor(handler);
    auto resume = [h = std::move(handler), r = std::move(r)]() mutable {
      std::move(h)(std::move(r));
    };
    if (may_run_here)
      net::dispatch(exec, std::move(resume));
    else
      net::post(exec, std::move(resume));
  };
}
}  // namespace

// Store work goes to the executor; the coroutine that awaits this resumes on its I/O thread with
// the answer. (An initiation, not a coroutine of its own: no frame per request.)
auto Server::Impl::store_answer(const http::Request& req, Routed& routed) {
  return net::async_initiate<decltype(net::use_awaitable), void(http::Response)>(
      [this, &req, &routed](auto handler) {
        store.submit(req, routed, resume_on_its_thread(std::move(handler), false));
      },
      net::use_awaitable);
}

// A read of a read-only page while the store answers fast: queued on this I/O thread, and loaded
// with the others of this turn of the loop by one multi-get at its end (load_reads), where the
// coroutine resumes with the answer. A read the store did not answer in time is answered by the
// read lane instead, and posted back here.
auto Server::Impl::read_here(IoThread& w, const http::Request& req, Routed& routed) {
  return net::async_initiate<decltype(net::use_awaitable), void(http::Response)>(
      [this, &w, &req, &routed](auto handler) {
        w.reads.push_back({&req, &routed, resume_on_its_thread(std::move(handler), true)});
        if (w.reads.size() == 1) net::post(w.ioc, [this, &w] { load_reads(w); });
      },
      net::use_awaitable);
}

void Server::Impl::load_reads(IoThread& w) {
  // Reads that arrive while these load (their coroutines resume here) wait for the next turn.
  // The two vectors trade places, so neither is grown again turn after turn.
  std::swap(w.reads, w.loading);
  store.read_here(w.loading);
  w.loading.clear();
}

net::awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> conn) {
  auto& c = *conn;
  ConnectionCleanup cleanup{*this, c};
  if (!tls || c.metrics_only) {
    co_await serve_loop(c, c.socket);
    co_return;
  }
  // HTTPS: the handshake has a deadline of its own (at most the first request's), and the
  // first request's time runs from accept, handshake included. A connection counts against
  // the cap of handshakes in progress only once its ClientHello has begun: one that sends
  // nothing waits outside it, for at most a second, so silent connections cannot fill the cap
  // and lock every real client out.
  auto handshake_by = c.accepted + std::min(config.handshake_timeout, config.request_timeout);
  c.phase = Phase::reading;
  c.deadline = std::min(handshake_by, c.accepted + std::chrono::seconds(1));
  auto [first_ec] = co_await c.socket.async_wait(tcp::socket::wait_read, use_tuple);
  if (first_ec) co_return;  // silent past its deadline, or gone
  if (handshaking.fetch_add(1) >= config.max_handshakes) {
    handshaking.fetch_sub(1);
    close_with_alert(c.socket);
    co_return;
  }
  TlsSocket stream(c.socket, tls->native_handle());
  c.deadline = handshake_by;
  auto [ec, ignored] = co_await stream.async_handshake(use_tuple);
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
    beast::http::request_parser<beast::http::string_body, http::FieldAllocator<char>> parser;
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
    Routed routed;
    try {
      if (!c.metrics_only) routed = router.route(req);  // once: carried to whoever handles it
      c.route = routed.route;
      if (c.metrics_only)
        res = router.handle_metrics_listener(req);
      else if (routed.lane == Lane::read && store.reads_here())
        res = co_await read_here(c.home, req, routed);
      else if (routed.lane != Lane::io)
        res = co_await store_answer(req, routed);
      else
        res = router.handle(req, routed);
      if (req.method() == http::Verb::head) answer_head(res);
    } catch (const std::exception& e) {
      // One answer and one log line per failed request; the connection is closed after it.
      spdlog::error("{} {}: {}", std::string(req.method_string()), std::string(req.target()),
                    e.what());
      res = router.refusal(req, routed.route, http::Status::internal_server_error);
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

}  // namespace sessdemo
