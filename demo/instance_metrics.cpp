#include "demo/instance_metrics.hpp"

#include <cstdio>
#include <cstdlib>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "common/prometheus_text.hpp"

namespace sessdemo::demo {

namespace net = boost::asio;
namespace http = boost::beast::http;

std::string Contention::summary() const {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "cas retries %.0f, lock waits %.0f (mean %.1f ms), lock timeouts %.0f", cas_retries,
                lock_waits, lock_waits > 0 ? lock_wait_s * 1000.0 / lock_waits : 0.0,
                lock_timeouts);
  return buf;
}

namespace {
// GET /metrics of one instance, or "" when it does not answer.
std::string metrics_page(const std::string& address) {
  auto colon = address.rfind(':');
  try {
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    socket.connect({net::ip::make_address(address.substr(0, colon)),
                    static_cast<unsigned short>(std::stoi(address.substr(colon + 1)))});
    http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
    req.set(http::field::host, address);
    req.set(http::field::connection, "close");
    http::write(socket, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res.result_int() == 200 ? res.body() : "";
  } catch (const std::exception&) {
    return "";
  }
}
}  // namespace

Contention read_contention(const std::vector<std::string>& instances) {
  Contention c;
  c.read = !instances.empty();
  for (const auto& a : instances) {
    std::string page = metrics_page(a);
    if (page.empty()) {
      c.read = false;
      continue;
    }
    auto samples = parse_prometheus_text(page);
    auto value = [&](const char* name) { return metric_sum(samples, name).value_or(0); };
    c.lock_waits += value("sessdemo_lock_wait_seconds_count");
    c.lock_wait_s += value("sessdemo_lock_wait_seconds_sum");
    c.lock_timeouts += value("sessdemo_lock_timeouts_total");
    c.cas_retries += value("sessdemo_cas_retries_total");
  }
  return c;
}

}  // namespace sessdemo::demo
