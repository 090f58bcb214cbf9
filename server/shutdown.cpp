#include <spdlog/spdlog.h>

#include "server/server_impl.hpp"

namespace sessdemo {
using namespace serving;  // this file is part of the server's inside

// Stopping: no new connections, in-flight requests drained, then cut at the grace deadline.
void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) {
    // A second signal or stop(): what is still in flight is answered now.
    if (!cut_now.exchange(true)) spdlog::warn("stopping now: in-flight requests are answered 503");
    return;
  }
  spdlog::info("stopping: no new connections, draining in-flight requests");
  net::post(io_threads[0]->ioc, [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    metrics_acceptor.close(ignored);
    net::co_spawn(io_threads[0]->ioc, drain(), net::detached);
  });
  for (auto& wp : io_threads) {
    IoThread& w = *wp;
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

net::awaitable<void> Server::Impl::drain() {
  auto deadline = Clock::now() + config.shutdown_grace;
  net::steady_timer t(io_threads[0]->ioc);
  while (metrics.open_connections() > 0 && Clock::now() < deadline && !cut_now) {
    t.expires_after(std::chrono::milliseconds(10));
    co_await t.async_wait(use_tuple);
  }
  if (metrics.open_connections() > 0) {
    spdlog::warn("{} connections still open {}; answering 503 to what is in flight",
                 metrics.open_connections(),
                 cut_now ? "at the second stop signal" : "after the grace period");
    auto pending = std::make_shared<std::atomic<std::size_t>>(io_threads.size());
    for (auto& wp : io_threads)
      net::post(wp->ioc, [this, &w = *wp, pending] {
        cut_connections(w);
        pending->fetch_sub(1);
      });
    while (pending->load() > 0) {
      t.expires_after(std::chrono::milliseconds(1));
      co_await t.async_wait(use_tuple);
    }
    for (auto& wp : io_threads) wp->ioc.stop();
  }
  beast::error_code ignored;
  signals.cancel(ignored);
  for (auto& wp : io_threads) wp->guard.reset();
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

void Server::stop() {
  impl_->begin_stop();
}

}  // namespace sessdemo
