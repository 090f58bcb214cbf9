// One request and its answer on an open load connection, read straight off the socket into
// the response parser; and whether an idle connection may carry the next request.
#include <sys/socket.h>

#include <cerrno>
#include <tuple>

#include <boost/asio/ssl/error.hpp>

#include "loadgen/run/worker/impl.hpp"

namespace sessdemo::loadgen {

namespace {
constexpr std::size_t read_chunk = 2048;
}  // namespace

bool Worker::Impl::closed_by_peer(const beast::error_code& ec) {
  return ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::connection_aborted;
}

// One request and its answer on an open connection. Interim answers (1xx) are read and
// skipped, as RFC 9110 says; an unasked 101 and bytes past the end of the final answer are a
// protocol error (the connection is closed, so no answer can go to a request it is not for).
net::awaitable<void> Worker::Impl::exchange(Guarded& g, const std::string& request,
                                            beast::flat_buffer& buffer, ParsedResponse& parsed,
                                            bool keep_body, Exchange& x) {
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
      auto [wec, wn] = co_await net::async_write(
          sock, net::buffer(request.data() + sent, request.size() - sent), use_tuple);
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
          x.note = "a page larger than " + std::to_string(max_judged_body / 1024) +
                   " KiB (a protocol error, not judged)";
        co_return;
      }
      if (parser->is_done()) {
        if (!answer_ends(*parser, parsed, buffer, x)) {  // interim: the final answer follows
          fresh();
          continue;
        }
        co_return;
      }
      if (used > 0 && buffer.size() > 0) continue;  // the parser may take more of what is here
    }
    beast::error_code rec;
    std::size_t n = 0;
    if (g.tls) {
      std::tie(rec, n) = co_await g.tls->async_read_some(buffer.prepare(read_chunk), use_tuple);
    } else {
      n = read_ready(sock, buffer, rec);
      if (rec == net::error::would_block) {
        std::tie(rec) = co_await sock.async_wait(tcp::socket::wait_read, use_tuple);
        if (!rec) n = read_ready(sock, buffer, rec);
        if (rec == net::error::would_block) rec = {};  // woken with nothing after all: wait again
      }
    }
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

// A parsed answer: true when the exchange ends with it (with a protocol error when it is an
// unasked 101 or has bytes after it), false for an interim (1xx) answer, which the final one
// follows.
bool Worker::Impl::answer_ends(const ResponseParser& parser, const ParsedResponse& parsed,
                               beast::flat_buffer& buffer, Exchange& x) {
  if (parsed.status == 101) {  // a protocol switch nobody asked for
    x.ec = beast::http::error::bad_status;
    x.failure = ErrorKind::protocol;
    x.note = "an unasked 101 Switching Protocols";
    return true;
  }
  if (parsed.status >= 100 && parsed.status < 200) return false;
  x.keep_alive = parser.keep_alive();
  if (buffer.size() == 0) {
    buffer.shrink_to_fit();  // an idle connection holds no buffer
  } else {
    x.ec = beast::http::error::unexpected_body;
    x.failure = ErrorKind::protocol;
    x.note =
        std::to_string(buffer.size()) + " bytes past the end of the answer (connection closed)";
  }
  return true;
}

// Reads what a plain connection has ready into the thread's buffer and keeps it in the
// connection's: a connection waiting for its answer holds no buffer (10,000 of them held
// 20 MB). would_block (and 0) when nothing is there yet.
std::size_t Worker::Impl::read_ready(tcp::socket& sock, beast::flat_buffer& buffer,
                                     beast::error_code& ec) {
  std::size_t n = sock.read_some(net::buffer(read_scratch), ec);
  if (ec == net::error::would_block || ec == net::error::try_again) {
    ec = net::error::would_block;
    return 0;
  }
  if (n > 0) net::buffer_copy(buffer.prepare(n), net::buffer(read_scratch.data(), n));
  return n;
}

// Before a request goes on a connection that carried an answer: a server may have closed it
// while it sat idle (open it afresh, as browsers do), or sent bytes that belong to no request.
Worker::Impl::IdleState Worker::Impl::idle_state(Guarded& g) {
  beast::error_code ec;
  if (g.tls) return g.socket.available(ec) > 0 || ec ? IdleState::closed : IdleState::usable;
  char probe;
  ssize_t n = ::recv(g.socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return IdleState::unasked_bytes;
  if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
    return IdleState::closed;
  return IdleState::usable;
}

void Worker::Impl::close(Guarded& g) {
  beast::error_code ignored;
  g.tls.reset();
  g.socket.close(ignored);
}

}  // namespace sessdemo::loadgen
