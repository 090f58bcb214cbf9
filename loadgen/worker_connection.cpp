// The request loop of one load connection: take a ticket, send the client's request, read and
// judge the answer, record it, schedule the client's next step. Plus the timeout watchdog.
#include "loadgen/worker_impl.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <mutex>
#include <set>
#include <sys/socket.h>

namespace sessdemo::loadgen {

namespace {
constexpr std::size_t read_chunk = 2048;

bool closed_by_peer(const beast::error_code& ec) {
  return ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted;
}

// "METHOD PATH" of a request's first line, for a diagnosis.
std::string_view request_line(std::string_view request) {
  auto end = request.find(" HTTP/1.1\r\n");
  return request.substr(0, end == std::string_view::npos ? std::min<std::size_t>(request.size(), 80) : end);
}

// The first bytes of a body as a log line can show them: control characters and bytes past
// ASCII escaped.
std::string printable(std::string_view body, std::size_t max = 200) {
  std::string out;
  for (unsigned char c : body.substr(0, max)) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c >= 0x7f || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (body.size() > max) out += "...";
  return out;
}
}  // namespace

// The first failure of each kind from each instance is logged once per run, with what was asked
// and what came back.
void Worker::Impl::diagnose_failure(const std::string& instance, ErrorKind kind, std::string_view request,
                                    const Answer& a, const std::string& note) {
  auto key = std::make_pair(instance, kind);
  if (failures_logged.size() > 4096 || !failures_logged.insert(key).second) return;
  static std::mutex mutex;
  static std::set<std::pair<std::string, ErrorKind>> logged;
  {
    std::lock_guard lock(mutex);
    if (logged.size() > 4096 || !logged.insert(key).second) return;
  }
  if (a.status == 0)
    spdlog::warn("first {} error from {}: {} got no answer{}{}", to_string(kind), instance,
                 request_line(request), note.empty() ? "" : ": ", note);
  else
    spdlog::warn("first {} error from {}: {} answered {}: {}", to_string(kind), instance,
                 request_line(request), a.status, printable(a.body));
}

// A connection's opening: TCP connect and, for https://, the TLS handshake. Sets connected.
net::awaitable<beast::error_code> Worker::Impl::open(Guarded& g, Target& t, Opened& opened) {
  auto connect_start = Clock::now();
  auto [ec] = co_await g.socket.async_connect(t.endpoint, use_tuple);
  if (ec) {
    opened.failure = ErrorKind::connect;
    t.down_until = Clock::now() + eject_for;
    co_return ec;
  }
  auto connected_at = Clock::now();
  opened.connect_us = std::chrono::duration_cast<std::chrono::microseconds>(connected_at - connect_start).count();
  beast::error_code ignored;
  g.socket.set_option(tcp::no_delay(true), ignored);
  g.socket.non_blocking(true, ignored);
  if (t.info.tls) {
    ec = co_await handshake(g, t);
    if (ec) {
      opened.failure = g.timed_out ? ErrorKind::timeout : ErrorKind::tls;
      co_return ec;
    }
    opened.tls_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - connected_at).count();
  }
  co_return ec;
}

// One request and its answer on an open connection. Interim answers (1xx) are read and
// skipped, as RFC 9110 says; an unasked 101 and bytes past the end of the final answer are a
// protocol error (the connection is closed, so no answer can go to a request it is not for).
net::awaitable<void> Worker::Impl::exchange(Guarded& g, const std::string& request, beast::flat_buffer& buffer,
                                            ParsedResponse& parsed, bool keep_body, Exchange& x) {
  tcp::socket& sock = g.socket;
  beast::error_code& ec = x.ec;
  if (g.tls) {
    auto [wec, wn] = co_await net::async_write(*g.tls, net::buffer(request), use_tuple);
    ec = wec;
  } else {
    // A request fits the socket buffer almost always: send it at once, and go through the
    // reactor only for what is left.
    std::size_t sent = sock.send(net::buffer(request), 0, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) ec = {};
    if (!ec && sent < request.size()) {
      auto [wec, wn] = co_await net::async_write(sock, net::buffer(request.data() + sent, request.size() - sent),
                                                 use_tuple);
      ec = wec;
    }
  }
  if (ec) co_return;
  x.sent = true;
  // Plain reads on the socket fed to the parser, lighter than Beast's composed read.
  std::optional<ResponseParser> parser;
  auto fresh = [&] {
    parser.emplace(parsed, keep_body, max_judged_body, opts.instance_header);
    parser->eager(true);
  };
  fresh();
  for (;;) {
    if (buffer.size() > 0) {
      x.answer_started = true;
      auto used = parser->put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == beast::http::error::need_more) ec = {};
      if (ec) {
        x.failure = ErrorKind::protocol;  // bytes that are not an HTTP answer
        if (ec == beast::http::error::body_limit)
          x.note = "a page larger than " + std::to_string(max_judged_body / 1024) + " KiB (a protocol error, not judged)";
        co_return;
      }
      if (parser->is_done()) {
        if (parsed.status == 101) {  // a protocol switch nobody asked for
          ec = beast::http::error::bad_status;
          x.failure = ErrorKind::protocol;
          x.note = "an unasked 101 Switching Protocols";
          co_return;
        }
        if (parsed.status >= 100 && parsed.status < 200) {  // interim: the final answer follows
          fresh();
          continue;
        }
        x.keep_alive = parser->keep_alive();
        if (buffer.size() > 0) {
          ec = beast::http::error::unexpected_body;
          x.failure = ErrorKind::protocol;
          x.note = std::to_string(buffer.size()) + " bytes past the end of the answer (connection closed)";
        }
        co_return;
      }
      if (used > 0 && buffer.size() > 0) continue;  // the parser may take more of what is here
    }
    auto [rec, n] = g.tls ? co_await g.tls->async_read_some(buffer.prepare(read_chunk), use_tuple)
                          : co_await sock.async_read_some(buffer.prepare(read_chunk), use_tuple);
    // A TLS peer that closes without close_notify ends the stream too.
    if (rec == net::ssl::error::stream_truncated) rec = net::error::eof;
    if (rec == net::error::eof) {
      // A body may end with the connection; a connection closed before any byte is just gone.
      if (parser->got_some()) {
        parser->put_eof(ec);
        if (ec) x.failure = ErrorKind::reset;  // closed mid-answer
      } else {
        ec = rec;
      }
      if (!ec && !parser->is_done()) ec = rec;
      co_return;
    }
    ec = rec;
    if (ec) co_return;
    buffer.commit(n);
  }
}

// Before a request goes on a connection that carried an answer: a server may have closed it
// while it sat idle (open it afresh, as browsers do), or sent bytes that belong to no request.
IdleState Worker::Impl::idle_state(Guarded& g) {
  beast::error_code ec;
  if (g.tls) return g.socket.available(ec) > 0 || ec ? IdleState::closed : IdleState::usable;
  char probe;
  ssize_t n = ::recv(g.socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return IdleState::unasked_bytes;
  if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return IdleState::closed;
  return IdleState::usable;
}

void Worker::Impl::close(Guarded& g) {
  beast::error_code ignored;
  g.tls.reset();
  g.socket.close(ignored);
}

net::awaitable<void> Worker::Impl::connection(std::size_t target_index) {
  Target& t = targets[target_index];
  Waiter me(ioc);
  Guarded g(ioc);
  auto registered = guarded.insert(guarded.end(), &g);
  beast::flat_buffer buffer;
  bool connected = false;
  std::string request, key;
  request.reserve(256);  // a GET with cookies; grows for longer ones
  ParsedResponse parsed;
  // Reads of 2 KiB: a small page and its headers in one read, bigger ones in a few; 10,000
  // connections keep 20 MB of buffers instead of 160 (16 KiB each, as it was).
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
    Kind kind = logic.build_request(id, c, t.info.label, request, t.info.tls);
    step = ScenarioLogic::step_of(step, kind);
    HistoryOp hist;
    if (plan.history) hist = history_invoke(ticket.client, step, measured);
    c.sent++;
    g.deadline = send_time + opts.timeout;
    g.timed_out = false;
    Opened opened;
    Exchange x;
    bool retried = false;
    bool reused = connected;
    if (connected) {
      IdleState idle = idle_state(g);
      if (idle != IdleState::usable) {
        close(g);
        connected = reused = false;
        retried = idle == IdleState::closed;
        if (idle == IdleState::unasked_bytes) {
          x.ec = beast::http::error::unexpected_body;
          x.failure = ErrorKind::protocol;
          x.note = "bytes from the server while no request was outstanding (connection closed)";
        }
      }
    }
    for (int attempt = 0; !x.ec; ++attempt) {
      if (!connected) {
        // Opened at a pace the server takes them: a slot is held from the connect to the first
        // answer on the connection (a connect completes in the kernel before the server
        // accepts, so holding it only for the connect would still fill the listen backlog). A
        // few dozen per worker, not thousands of SYNs at once.
        if (!holding_slot) {
          while (connecting >= max_connecting) {
            connect_waiters.push_back(&me);
            me.timer.expires_at(Clock::time_point::max());
            co_await me.timer.async_wait(use_tuple);
            std::erase(connect_waiters, &me);
          }
          ++connecting;
          holding_slot = true;
        }
        if (attempt == 0) g.deadline = Clock::now() + opts.timeout;  // the timeout runs from the slot
        buffer.clear();
        x.ec = co_await open(g, t, opened);
        x.failure = opened.failure;
        if (x.ec) break;
        connected = true;
      }
      x.write_time = Clock::now();  // service time starts here: a connect is not in it
      co_await exchange(g, request, buffer, parsed, step != Step::get, x);
      // A reused connection found closed before any byte of the answer: sent once more on a
      // new one when the request may be repeated, or when it never left.
      bool again = x.ec && reused && attempt == 0 && !g.timed_out && !x.answer_started &&
                   closed_by_peer(x.ec) && (c.idempotent || !x.sent);
      if (!again) break;
      close(g);
      connected = reused = false;
      retried = true;
      x = Exchange{};
    }
    beast::error_code& ec = x.ec;
    g.deadline = Clock::time_point::max();
    auto done_time = Clock::now();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(done_time - ticket.ready).count();
    auto write_time = x.write_time == Clock::time_point{} ? done_time : x.write_time;
    auto service_us =
        std::chrono::duration_cast<std::chrono::microseconds>(done_time - std::min(write_time, done_time)).count();
    // A timed-out request counts at exactly its timeout (which runs from the send, connect
    // included); the watchdog notices it up to one tick late.
    if (g.timed_out && ec) {
      ec = beast::error::timeout;
      x.failure = ErrorKind::timeout;
      service_us = std::chrono::duration_cast<std::chrono::microseconds>(opts.timeout).count();
      us = std::chrono::duration_cast<std::chrono::microseconds>(send_time - ticket.ready).count() + service_us;
    }
    answer.status = 0;
    answer.failure = x.failure;
    answer.body = {};
    answer.location = {};
    answer.set_cookies.clear();
    key = t.last_instance.empty() ? t.info.label : t.last_instance;
    if (!ec) {
      answer.status = parsed.status;
      answer.body = parsed.body;
      answer.location = parsed.location;
      answer.set_cookies.assign(parsed.set_cookies.begin(), parsed.set_cookies.begin() + parsed.cookie_count);
      if (!parsed.instance.empty()) {
        // Cleaned once per new id, not on every answer (the id rarely changes on an address).
        if (parsed.instance != t.last_raw_instance) {
          t.last_raw_instance = parsed.instance;
          t.last_instance = clean_instance_id(parsed.instance);
        }
        key = t.last_instance;
      }
      if (!x.keep_alive) ec = beast::http::error::end_of_stream;  // close below; the answer counts
    }
    Outcome o = logic.apply(id, c, step, answer);
    o.retried = retried;
    if (hist.f != OpF::none) history_complete(ticket.client, hist, answer, o, x.sent, key);
    if (step == Step::final_read) measured = false;
    if (measured)
      recorder.record(slot, key, static_cast<std::uint16_t>(target_index), kind, o, answer.status, us, service_us,
                      late, opened.connect_us, opened.tls_us);
    if (o.error) diagnose_failure(key, o.error_kind, request, answer, x.note);
    if (holding_slot) {  // answered (or failed): the next connection may open
      holding_slot = false;
      --connecting;
      if (!connect_waiters.empty()) connect_waiters.front()->timer.cancel();
    }
    if (ec) {
      close(g);
      connected = false;
    }
    reschedule(ticket.client, step);
  }
  guarded.erase(registered);
  close(g);
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
