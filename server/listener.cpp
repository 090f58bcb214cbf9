#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "common/endpoint.hpp"
#include "server/listen_address.hpp"
#include "server/server_impl.hpp"

namespace sessdemo {
using namespace serving;  // this file is part of the server's inside

// The listener: binds, accepts, hands each connection to an I/O thread or refuses it.
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
    IoThread& w = *io_threads[next_thread++ % io_threads.size()];
    auto [ec, socket] = co_await a.async_accept(w.ioc, use_tuple);
    if (ec) {
      if (ec == net::error::operation_aborted || stopping) co_return;
      spdlog::warn("accept: {}", ec.message());
      if (ec == net::error::no_descriptors) {
        // Out of file descriptors: back off instead of spinning.
        net::steady_timer t(io_threads[0]->ioc, std::chrono::milliseconds(50));
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
    // The worker owns its connection list: the connection joins it on its I/O thread.
    net::dispatch(w.ioc, [this, conn] {
      conn->home.conns.insert(conn.get());
      net::co_spawn(conn->home.ioc, serve(conn), [](std::exception_ptr e) {
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
    spdlog::warn("the TLS certificate {} expires in {} days {} hours: renew it", file, days,
                 secs / 3600);
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
    if (SSL_CTX_set_cipher_list(
            ctx.native_handle(),
            "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!eNULL") != 1)
      throw std::runtime_error("no TLS 1.2 cipher with forward secrecy is available");
    warn_if_expiring(ctx.native_handle(), cfg.tls_cert);
    impl_->tls.emplace(std::move(ctx));
  }
  std::string where = bind_acceptor(impl_->acceptor, cfg.bind, cfg.port);
  if (!cfg.metrics_bind.empty()) {
    auto parsed = parse_endpoints(cfg.metrics_bind, false, true);
    if (auto* why = std::get_if<std::string>(&parsed))
      throw std::runtime_error("--metrics-bind: " + *why);
    auto& eps = std::get<std::vector<Endpoint>>(parsed);
    if (eps.size() != 1) throw std::runtime_error("--metrics-bind takes one ADDR:PORT");
    impl_->metrics_where = bind_acceptor(impl_->metrics_acceptor, eps[0].host, eps[0].port);
  }
  return where;
}

}  // namespace sessdemo
