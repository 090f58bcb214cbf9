#include <spdlog/spdlog.h>

#include "server/server_impl.hpp"

namespace sessdemo {
using namespace serving;  // this file is part of the server's inside

Server::Server(ServerConfig config, Router& router, SessionService& sessions, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(config), router, sessions, metrics)) {}

Server::~Server() = default;

std::string Server::metrics_address() const {
  return impl_->metrics_where;
}

std::size_t Server::cut_requests() const {
  return impl_->cut.load();
}

void Server::run(bool handle_signals) {
  auto& im = *impl_;
  if (handle_signals) catch_signals();
  net::co_spawn(im.io_threads[0]->ioc, im.accept_loop(im.acceptor, false), net::detached);
  if (im.metrics_acceptor.is_open())
    net::co_spawn(im.io_threads[0]->ioc, im.accept_loop(im.metrics_acceptor, true), net::detached);
  for (auto& w : im.io_threads) net::co_spawn(w->ioc, im.sweep(*w), net::detached);
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
  for (std::size_t i = 1; i < im.io_threads.size(); ++i)
    threads.emplace_back(serve_ioc, std::ref(im.io_threads[i]->ioc));
  serve_ioc(im.io_threads[0]->ioc);
  for (auto& t : threads) t.join();
}

}  // namespace sessdemo
