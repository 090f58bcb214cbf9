#include "server/server_impl.hpp"

namespace sessdemo {
using namespace serving;  // this file is part of the server's inside

// Each I/O thread's connections: their deadlines swept, and cut at the grace deadline.
std::chrono::milliseconds Server::Impl::sweep_interval() const {
  auto shortest = std::min(config.idle_timeout, config.request_timeout);
  return std::clamp(shortest / 10, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
}

// Deadlines are times on the connection, checked by one sweep per I/O thread a few times a second:
// a request costs two clock reads instead of a timer armed and cancelled per read and write.
net::awaitable<void> Server::Impl::sweep(IoThread& w) {
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

void Server::Impl::cut_connections(IoThread& w) {
  for (Connection* c : w.conns) {
    beast::error_code ignored;
    if (c->phase == Phase::handling && c->request && c->tls) {
      // No plain bytes into a TLS stream: the client sees the connection close.
      c->cut = true;
      cut++;
    } else if (c->phase == Phase::handling && c->request) {
      // The coroutine waits for the store; it will find the connection cut and write nothing.
      auto res = router.refusal(*c->request, c->route, http::Status::service_unavailable);
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

}  // namespace sessdemo
