// The request loop of one load connection: take a ticket, send the client's request, read and
// judge the answer, record it, schedule the client's next step. Plus the timeout watchdog.
#include "loadgen/worker_impl.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ssl/error.hpp>

namespace sessdemo::loadgen {

net::awaitable<void> Worker::Impl::connection(std::size_t target_index) {
  Target& t = targets[target_index];
  Waiter me(ioc);
  Guarded g(ioc);
  auto registered = guarded.insert(guarded.end(), &g);
  tcp::socket& sock = g.socket;
  beast::flat_buffer buffer;
  bool connected = false;
  std::string request, key;
  request.reserve(256);  // a GET with cookies; grows for longer ones
  ParsedResponse parsed;
  // Reads of 2 KiB: a small page and its headers in one read, bigger ones in a few; 10,000
  // connections keep 20 MB of buffers instead of 160 (16 KiB each, as it was).
  constexpr std::size_t read_chunk = 2048;
  bool holding_slot = false;  // this connection opened and has not had its first answer yet
  Answer answer;  // reused, so its cookie list keeps its capacity
  Recorder::Slot slot;
  for (;;) {
    // Wait for a client that wants this instance; idle connections park on their timer.
    while (t.ready.empty() && !finished) {
      t.waiters.push_back(&me);
      me.timer.expires_at(Clock::time_point::max());
      co_await me.timer.async_wait(use_tuple);
      std::erase(t.waiters, &me);
    }
    if (t.ready.empty()) break;
    Ticket ticket = t.ready.front();
    t.ready.pop_front();
    Client& c = clients[ticket.client];
    Step step = c.step;
    std::uint32_t id = global_id(ticket.client);
    auto send_time = Clock::now();
    bool measured = send_time >= plan.measure_start && !final_phase;
    if (measured && plan.budget != 0) {
      if (budget_left == 0)
        measured = false;
      else if (--budget_left == 0)
        begin_stop();
    }
    bool late = plan.rate > 0 && send_time - ticket.ready > late_after;
    request.clear();
    Kind kind = logic.build_request(id, c, t.info.label, request);
    c.sent++;
    beast::error_code ec;
    ErrorKind failure = ErrorKind::reset;  // what a failure below is, unless said otherwise
    g.deadline = send_time + opts.timeout;
    g.timed_out = false;
    std::int64_t connect_us = -1, tls_us = -1;
    if (!connected) {
      // Opened at a pace the server takes them: a slot is held from the connect to the first
      // answer on the connection (a connect completes in the kernel before the server accepts,
      // so holding it only for the connect would still fill the listen backlog). A few dozen
      // per worker, not thousands of SYNs at once. The request's timeout runs from its slot.
      while (connecting >= max_connecting) {
        connect_waiters.push_back(&me);
        me.timer.expires_at(Clock::time_point::max());
        co_await me.timer.async_wait(use_tuple);
        std::erase(connect_waiters, &me);
      }
      ++connecting;
      holding_slot = true;
      g.deadline = Clock::now() + opts.timeout;
      auto connect_start = Clock::now();
      auto [cec] = co_await sock.async_connect(t.endpoint, use_tuple);
      ec = cec;
      if (ec) {
        failure = ErrorKind::connect;
        t.down_until = Clock::now() + eject_for;
      } else {
        auto connected_at = Clock::now();
        connect_us = std::chrono::duration_cast<std::chrono::microseconds>(connected_at - connect_start).count();
        beast::error_code ignored;
        sock.set_option(tcp::no_delay(true), ignored);
        sock.non_blocking(true, ignored);
        buffer.clear();
        if (t.info.tls) {
          ec = co_await handshake(g, t);
          if (ec) {
            failure = g.timed_out ? ErrorKind::timeout : ErrorKind::tls;
          } else {
            tls_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - connected_at).count();
          }
        }
        connected = !ec;
      }
    }
    ResponseParser parser(parsed, step != Step::get);  // plain GETs judge nothing in the body
    auto write_time =
        Clock::now();  // service time starts here: a new connection's connect is not in it
    if (!ec && g.tls) {
      auto [wec, wn] = co_await net::async_write(*g.tls, net::buffer(request), use_tuple);
      ec = wec;
    } else if (!ec) {
      // A request fits the socket buffer almost always: send it at once, and go through
      // the reactor only for what is left.
      std::size_t sent = sock.send(net::buffer(request), 0, ec);
      if (ec == net::error::would_block || ec == net::error::try_again) ec = {};
      if (!ec && sent < request.size()) {
        auto [wec, wn] = co_await net::async_write(
            sock, net::buffer(request.data() + sent, request.size() - sent), use_tuple);
        ec = wec;
      }
    }
    // The response: plain reads on the socket fed to the parser, lighter than Beast's
    // composed read (one asynchronous operation per read, nothing layered on top).
    parser.eager(true);
    while (!ec && !parser.is_done()) {
      if (buffer.size() > 0) {
        auto used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == beast::http::error::need_more) ec = {};
        if (ec) failure = ErrorKind::protocol;  // bytes that are not an HTTP answer
        if (ec || parser.is_done()) break;
        if (used > 0 && buffer.size() > 0) continue;  // the parser may take more of what is here
      }
      auto [rec, n] = g.tls ? co_await g.tls->async_read_some(buffer.prepare(read_chunk), use_tuple)
                            : co_await sock.async_read_some(buffer.prepare(read_chunk), use_tuple);
      // A TLS peer that closes without close_notify ends the stream too.
      if (rec == net::ssl::error::stream_truncated) rec = net::error::eof;
      if (rec == net::error::eof) {
        // A body may end with the connection; a connection closed before any byte is just gone.
        if (parser.got_some()) {
          parser.put_eof(ec);
          if (ec) failure = ErrorKind::reset;  // closed mid-answer
        } else {
          ec = rec;
        }
        if (!ec && !parser.is_done()) ec = rec;
        break;
      }
      ec = rec;
      buffer.commit(n);
    }
    g.deadline = Clock::time_point::max();
    auto done_time = Clock::now();
    auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(done_time - ticket.ready).count();
    auto service_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          done_time - std::min(write_time, done_time))
                          .count();
    // A timed-out request counts at exactly its timeout (which runs from the send, connect
    // included); the watchdog notices it up to one tick late.
    if (g.timed_out && ec) {
      ec = beast::error::timeout;
      failure = ErrorKind::timeout;
      service_us = std::chrono::duration_cast<std::chrono::microseconds>(opts.timeout).count();
      us = std::chrono::duration_cast<std::chrono::microseconds>(send_time - ticket.ready).count() +
           service_us;
    }
    answer.status = 0;
    answer.failure = failure;
    answer.body = {};
    answer.set_cookies.clear();
    key = t.last_instance.empty() ? t.info.label : t.last_instance;
    if (!ec) {
      answer.status = parsed.status;
      answer.body = parsed.body;
      answer.set_cookies.assign(parsed.set_cookies.begin(),
                                parsed.set_cookies.begin() + parsed.cookie_count);
      if (!parsed.instance.empty()) {
        key = parsed.instance;
        if (t.last_instance != key) t.last_instance = key;
      }
      if (!parser.keep_alive())
        ec = beast::http::error::end_of_stream;  // close below; the answer counts
    }
    Outcome o = logic.apply(id, c, step, answer);
    if (step == Step::final_read) measured = false;
    if (measured)
      recorder.record(slot, key, static_cast<std::uint16_t>(target_index), kind, o, answer.status,
                      us, service_us, late, connect_us, tls_us);
    if (holding_slot) {  // answered (or failed): the next connection may open
      holding_slot = false;
      --connecting;
      if (!connect_waiters.empty()) connect_waiters.front()->timer.cancel();
    }
    if (ec) {
      beast::error_code ignored;
      g.tls.reset();
      sock.close(ignored);
      connected = false;
    }
    reschedule(ticket.client, step);
  }
  guarded.erase(registered);
  beast::error_code ignored;
  g.tls.reset();
  sock.close(ignored);
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
    // Why the certificate was refused (a host name mismatch, an unknown CA, expired), when it was.
    long verify = SSL_get_verify_result(g.tls->native_handle());
    std::string problem = verify == X509_V_OK ? "" : std::string(" (") + X509_verify_cert_error_string(verify) + ")";
    spdlog::warn("TLS with {} failed: {}{}{}", t.info.label, ec.message(), problem,
                 opts.insecure ? "" : "; for a private CA give --cacert FILE, or --insecure to skip the checks");
  }
  if (ec) g.tls.reset();
  co_return ec;
}

// Closes the socket of any connection whose operation outlived the request timeout; the
// pending operation then fails and the request counts as an error. It looks every tenth of the
// timeout (1 ms at the least, 50 ms at the most), so a timeout fires that close to its value.
net::awaitable<void> Worker::Impl::watchdog() {
  net::steady_timer timer(ioc);
  auto tick = std::clamp<Clock::duration>(opts.timeout / 10, std::chrono::milliseconds(1),
                                          std::chrono::milliseconds(50));
  while (!finished) {
    timer.expires_after(tick);
    co_await timer.async_wait(use_tuple);
    auto now = Clock::now();
    for (Guarded* g : guarded)
      if (g->deadline <= now && g->socket.is_open()) {
        g->timed_out = true;
        beast::error_code ignored;
        g->socket.close(ignored);
      }
  }
}

}  // namespace sessdemo::loadgen
