#include "server/tls_socket.hpp"

#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace sessdemo::serving {

TlsSocket::TlsSocket(Socket& socket, SSL_CTX* ctx) : socket_(socket), in_(new char[in_capacity]) {
  error_code ec;
  socket_.non_blocking(true, ec);
  BIO_METHOD* method = ec ? nullptr : bio_method();
  BIO* bio = method ? BIO_new(method) : nullptr;
  ssl_ = bio ? SSL_new(ctx) : nullptr;
  if (!ssl_) {
    if (bio) BIO_free(bio);
    return;
  }
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);  // the SSL owns the BIO from here
  // A write may end after a whole record (write_some), and be retried from a moved buffer.
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_accept_state(ssl_);
}

TlsSocket::~TlsSocket() {
  if (ssl_) SSL_free(ssl_);
}

int TlsSocket::bio_read(BIO* bio, char* data, int size) {
  auto& t = *static_cast<TlsSocket*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  std::size_t n = std::min(t.in_end_ - t.in_begin_, static_cast<std::size_t>(std::max(size, 0)));
  if (n == 0) {
    BIO_set_retry_read(bio);  // the step says Want::read: the event loop receives more
    return -1;
  }
  std::memcpy(data, t.in_.get() + t.in_begin_, n);
  t.in_begin_ += n;
  if (t.in_begin_ == t.in_end_) t.in_begin_ = t.in_end_ = 0;
  return static_cast<int>(n);
}

int TlsSocket::bio_write(BIO* bio, const char* data, int size) {
  auto& t = *static_cast<TlsSocket*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  ssize_t n = ::send(t.socket_.native_handle(), data, static_cast<std::size_t>(std::max(size, 0)),
                     MSG_NOSIGNAL);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
    BIO_set_retry_write(bio);  // the step says Want::write: the event loop waits for room
    return -1;
  }
  t.write_errno_ = errno;
  return -1;
}

long TlsSocket::bio_ctrl(BIO*, int cmd, long, void*) {
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;  // writes go out at once; nothing else applies
}

BIO_METHOD* TlsSocket::bio_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sessdemo socket");
    if (m && (!BIO_meth_set_read(m, bio_read) || !BIO_meth_set_write(m, bio_write) ||
              !BIO_meth_set_ctrl(m, bio_ctrl))) {
      BIO_meth_free(m);
      m = nullptr;
    }
    return m;
  }();
  return method;
}

namespace {
TlsSocket::Step failure(boost::system::error_code ec) {
  return {TlsSocket::Want::nothing, 0, ec};
}
boost::system::error_code no_state() {
  return make_error_code(boost::system::errc::not_enough_memory);
}

// SSL_get_error reads the thread's error queue, which other connections of this I/O thread share:
// it must be empty before each call. Looking costs less than clearing its sixteen slots each time.
void clear_errors() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}
}  // namespace

TlsSocket::Step TlsSocket::handshake_step() {
  if (!ssl_) return failure(no_state());
  clear_errors();
  return finish(SSL_do_handshake(ssl_), 0);
}

TlsSocket::Step TlsSocket::read_step(void* data, std::size_t size) {
  if (!ssl_) return failure(no_state());
  if (size == 0) return {};
  std::size_t n = 0;
  clear_errors();
  int ret = SSL_read_ex(ssl_, data, size, &n);
  return finish(ret, n);
}

TlsSocket::Step TlsSocket::write_step(const void* data, std::size_t size) {
  if (!ssl_) return failure(no_state());
  if (size == 0) return {};
  std::size_t n = 0;
  clear_errors();
  int ret = SSL_write_ex(ssl_, data, size, &n);
  return finish(ret, n);
}

TlsSocket::Step TlsSocket::shutdown_step() {
  if (!ssl_ || failed_) return {};  // nothing to close cleanly
  clear_errors();
  int ret = SSL_shutdown(ssl_);
  // 0: our close_notify is out; the second call waits for the peer's.
  if (ret == 0) ret = SSL_shutdown(ssl_);
  return ret == 1 ? Step{} : finish(ret, 0);
}

TlsSocket::Step TlsSocket::finish(int ret, std::size_t n) {
  if (ret > 0) return {Want::nothing, n, {}};
  int err = SSL_get_error(ssl_, ret);
  switch (err) {
    case SSL_ERROR_WANT_READ:
      return {Want::read, 0, {}};
    case SSL_ERROR_WANT_WRITE:
      return {Want::write, 0, {}};
    case SSL_ERROR_ZERO_RETURN:
      return failure(boost::asio::error::eof);  // the peer's close_notify
    default:
      break;
  }
  failed_ = true;
  unsigned long e = ERR_get_error();
  if (err == SSL_ERROR_SYSCALL && e == 0)
    return failure(write_errno_ != 0 ? error_code(write_errno_, boost::system::system_category())
                                     : error_code(boost::asio::ssl::error::stream_truncated));
  if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
    return failure(boost::asio::ssl::error::stream_truncated);  // closed without close_notify
  return failure(error_code(static_cast<int>(e), boost::asio::error::get_ssl_category()));
}

}  // namespace sessdemo::serving
