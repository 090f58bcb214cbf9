// The listener of --metrics-bind: one thread, one io_context; every connection is answered
// with the page last published (GET /metrics, or a 404), then closed.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "loadgen/live_metrics.hpp"

namespace sessdemo::loadgen {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

struct LiveMetrics::Impl {
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::mutex mutex;
  std::string page;
  std::thread thread;

  std::string current() {
    std::lock_guard lock(mutex);
    return page;
  }

  net::awaitable<void> answer(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> req;
    auto [ec, n] = co_await http::async_read(socket, buffer, req, net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    std::string_view target = req.target();
    if (req.method() == http::verb::get && (target == "/metrics" || target.substr(0, 9) == "/metrics?")) {
      res.result(http::status::ok);
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = current();
    } else {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = "the tester serves GET /metrics only\n";
    }
    res.prepare_payload();
    co_await http::async_write(socket, res, net::as_tuple(net::use_awaitable));
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      if (!ec) net::co_spawn(ioc, answer(std::move(socket)), net::detached);
    }
  }
};

LiveMetrics::LiveMetrics(const std::string& host, std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("'" + host + "' is not a numeric IP address");
  tcp::endpoint at(address, port);
  auto& a = impl_->acceptor;
  a.open(at.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(at, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
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
  std::lock_guard lock(impl_->mutex);
  impl_->page = std::move(page);
}

std::uint16_t LiveMetrics::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace sessdemo::loadgen
