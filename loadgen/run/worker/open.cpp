// Opening a load connection: TCP connect (a failure ejects the instance for a second, as a
// balancer would) and, for https:// instances, the TLS handshake with its certificate checks.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ssl/error.hpp>

#include "loadgen/run/said_once.hpp"
#include "loadgen/run/worker/impl.hpp"

namespace sessdemo::loadgen {

// --local-ips: the socket opened and bound to the next source address of the target's family, so
// a client's requests leave from several addresses, as a visitor's whose address changes (a
// balancer hashing the source address then moves it). No list, or none of that family: unbound.
beast::error_code Worker::Impl::bind_local(Guarded& g, const Target& t) {
  beast::error_code ec;
  if (opts.local_ips.empty()) return ec;
  if (!locals_read) {
    locals_read = true;
    for (const auto& text : opts.local_ips) {
      auto a = net::ip::make_address(text, ec);
      if (!ec) (a.is_v4() ? local_v4 : local_v6).push_back(a);
    }
    ec = {};
  }
  const auto& list = t.endpoint.address().is_v4() ? local_v4 : local_v6;
  if (list.empty()) return ec;
  if (g.socket.is_open()) g.socket.close(ec);
  g.socket.open(t.endpoint.protocol(), ec);
  if (!ec) g.socket.bind(tcp::endpoint(list[next_local++ % list.size()], 0), ec);
  if (ec) {
    static SaidOnce said;
    if (said.first("local-ips"))
      spdlog::error("load: a connection cannot leave from a --local-ips address: {}", ec.message());
  }
  return ec;
}

// A connection's opening: TCP connect and, for https://, the TLS handshake.
net::awaitable<beast::error_code> Worker::Impl::open(Guarded& g, Target& t, Opened& opened) {
  auto connect_start = Clock::now();
  if (auto bound = bind_local(g, t)) {
    opened.failure = ErrorKind::connect;
    co_return bound;
  }
  auto [ec] = co_await g.socket.async_connect(t.endpoint, use_tuple);
  if (ec) {
    opened.failure = ErrorKind::connect;
    t.down_until = Clock::now() + eject_for;
    co_return ec;
  }
  auto connected_at = Clock::now();
  opened.connect_us =
      std::chrono::duration_cast<std::chrono::microseconds>(connected_at - connect_start).count();
  beast::error_code ignored;
  g.socket.set_option(tcp::no_delay(true), ignored);
  g.socket.non_blocking(true, ignored);
  if (t.info.tls) {
    ec = co_await handshake(g, t);
    if (ec) {
      opened.failure = g.timed_out ? ErrorKind::timeout : ErrorKind::tls;
      co_return ec;
    }
    opened.tls_us =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - connected_at).count();
  }
  co_return ec;
}

net::ssl::context make_tls_context(const LoadOptions& opts) {
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1);
  if (opts.insecure) {
    ctx.set_verify_mode(net::ssl::verify_none);
    return ctx;
  }
  ctx.set_verify_mode(net::ssl::verify_peer);
  ctx.set_default_verify_paths();
  if (!opts.cacert.empty()) {
    beast::error_code ec;
    ctx.load_verify_file(opts.cacert, ec);
    if (ec) throw std::runtime_error("--cacert " + opts.cacert + ": " + ec.message());
  }
  return ctx;
}

// The TLS handshake on a connected socket: SNI for a host name, the certificate checked for the
// host as given (a name or an IP address) unless --insecure. The first failure per instance is
// explained in the log.
net::awaitable<beast::error_code> Worker::Impl::handshake(Guarded& g, Target& t) {
  g.tls.emplace(g.socket, *tls_context);
  beast::error_code ec;
  boost::system::error_code not_ip;
  net::ip::make_address(t.info.host, not_ip);
  if (not_ip && !SSL_set_tlsext_host_name(g.tls->native_handle(), t.info.host.c_str()))
    ec = beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
  // OpenSSL's own host check (rather than a verify callback) names a mismatch as such.
  SSL* ssl = g.tls->native_handle();
  if (!ec && !opts.insecure &&
      (not_ip ? SSL_set1_host(ssl, t.info.host.c_str())
              : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), t.info.host.c_str())) != 1)
    ec = beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
  if (!ec) std::tie(ec) = co_await g.tls->async_handshake(net::ssl::stream_base::client, use_tuple);
  if (ec && !g.timed_out && !t.tls_failure_logged) {
    t.tls_failure_logged = true;
    if (plan.said &&
        plan.said->first("tls " + t.info.label)) {  // once per instance, not per thread
      // Why the certificate was refused (a host name mismatch, an unknown CA, expired), when it
      // was; and the way out only where it is one: a refused certificate, no --cacert yet.
      long verify = SSL_get_verify_result(g.tls->native_handle());
      bool refused_cert = verify != X509_V_OK;
      std::string problem =
          refused_cert ? std::string(" (") + X509_verify_cert_error_string(verify) + ")" : "";
      std::string advice;
      if (refused_cert && !opts.insecure && opts.cacert.empty())
        advice = "; for a private CA give --cacert FILE, or --insecure to skip the checks";
      else if (refused_cert && !opts.insecure)
        advice = "; the certificate is not signed by --cacert " + opts.cacert +
                 " (or names another host)";
      else if (!refused_cert)
        advice =
            "; the server ended the handshake (its alert above): a protocol or cipher it does not "
            "take, "
            "or a client certificate it wants";
      spdlog::warn("TLS with {} failed: {}{}{}", t.info.label, ec.message(), problem, advice);
    }
  }
  if (ec) g.tls.reset();
  co_return ec;
}

}  // namespace sessdemo::loadgen
