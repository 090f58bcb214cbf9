// The listener of --metrics-bind: one thread, one io_context; every connection is answered
// with the page last published (GET /metrics, or a 404), then closed. It is a listener anyone
// on the network may reach, inside a process whose descriptors and CPU belong to the load, so
// it has serve's protections: at most max_open connections (past them a new one is closed at
// once), one deadline per connection for the request and the answer together, a request of at
// most one small head and no body, and a pause, not a spin, when accept fails.
#include "loadgen/report/live_metrics.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace sessdemo::loadgen {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

struct LiveMetrics::Impl {
  explicit Impl(const LiveMetricsLimits& l) : limits(l) {}
  LiveMetricsLimits limits;
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::mutex mutex;
  std::shared_ptr<const std::string> page = std::make_shared<const std::string>();
  std::thread thread;
  // On the listener's thread only.
  std::size_t open = 0;
  bool told_full = false, told_accept = false;

  std::shared_ptr<const std::string> current() {
    std::lock_guard lock(mutex);
    return page;
  }

  net::awaitable<void> answer(tcp::socket socket) {
    struct Counted {  // out of the budget whatever way the coroutine ends
      std::size_t& open;
      ~Counted() { --open; }
    } counted{open};
    // The connection's one deadline: whatever it is waiting for then, it is closed.
    auto s = std::make_shared<tcp::socket>(std::move(socket));
    net::steady_timer deadline(ioc, limits.deadline);
    deadline.async_wait([s](boost::system::error_code ec) {
      boost::system::error_code ignored;
      if (!ec) s->close(ignored);
    });
    boost::beast::flat_buffer buffer(limits.max_request);
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_request));
    parser.body_limit(0);
    auto [ec, n] = co_await http::async_read(*s, buffer, parser, net::as_tuple(net::use_awaitable));
    if (!ec) {
      const auto& req = parser.get();
      http::response<http::string_body> res;
      res.version(req.version());
      res.keep_alive(false);
      std::string_view target = req.target();
      if (req.method() == http::verb::get &&
          (target == "/metrics" || target.substr(0, 9) == "/metrics?")) {
        res.result(http::status::ok);
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = *current();
      } else {
        res.result(http::status::not_found);
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.body() = "the tester serves GET /metrics only\n";
      }
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(*s, res, net::as_tuple(net::use_awaitable));
      boost::system::error_code ignored;
      if (!wec) s->shutdown(tcp::socket::shutdown_send, ignored);
    }
    deadline.cancel();
    boost::system::error_code ignored;
    s->close(ignored);
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        // Out of descriptors (the load holds them) or a connection gone before it was taken:
        // wait a little, never spin.
        if (!told_accept)
          spdlog::warn("--metrics-bind: accept: {} (pausing the listener 100 ms)", ec.message());
        told_accept = true;
        net::steady_timer pause(ioc, std::chrono::milliseconds(100));
        co_await pause.async_wait(net::as_tuple(net::use_awaitable));
        continue;
      }
      if (open >= limits.max_open) {
        if (!told_full)
          spdlog::warn(
              "--metrics-bind: {} connections are open already; closing new ones until one ends",
              limits.max_open);
        told_full = true;
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      ++open;
      net::co_spawn(ioc, answer(std::move(socket)), net::detached);
    }
  }
};

LiveMetrics::LiveMetrics(const std::string& host, std::uint16_t port,
                         const LiveMetricsLimits& limits)
    : impl_(std::make_unique<Impl>(limits)) {
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("'" + host + "' is not a numeric IP address");
  tcp::endpoint at(address, port);
  auto& a = impl_->acceptor;
  a.open(at.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(at, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                             ec.message());
  net::co_spawn(impl_->ioc, impl_->accept_loop(), net::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

LiveMetrics::~LiveMetrics() {
  net::post(impl_->ioc, [this] {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void LiveMetrics::publish(std::string page) {
  auto next = std::make_shared<const std::string>(std::move(page));
  std::lock_guard lock(impl_->mutex);
  impl_->page = std::move(next);
}

std::uint16_t LiveMetrics::port() const {
  return impl_->acceptor.local_endpoint().port();
}

}  // namespace sessdemo::loadgen
