#pragma once
// HTTPS without a BIO pair: OpenSSL writes to the connection's socket itself, and reads the bytes
// that the event loop's own receive put in a small buffer of this stream (a BIO of ours over both),
// as nginx runs OpenSSL on the socket. Asio's ssl::stream runs OpenSSL on a BIO pair instead: every
// record is copied through two memory buffers and each operation goes through its engine's state
// machine (issue 26, goal 4). Reading through the event loop's receive, rather than waiting for
// readiness and reading in OpenSSL, keeps Asio's speculative reads: no epoll_ctl per request.
//
// A stream in Beast's sense (AsyncReadStream, AsyncWriteStream) over a socket it does not own:
// the connection keeps the socket, its deadline cancels the socket's operations, and closing it
// stays the connection's job. One I/O thread uses it at a time; no operation of one kind may
// overlap another of the same kind, nor a read a write (they share OpenSSL's state).
#include <openssl/ssl.h>

#include <cstddef>
#include <memory>

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

namespace sessdemo::serving {

class TlsSocket {
 public:
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                  boost::asio::io_context::executor_type>;
  using executor_type = Socket::executor_type;
  using error_code = boost::system::error_code;

  // Sets the socket non-blocking (OpenSSL's writes must not block the I/O thread). Should OpenSSL
  // fail to make the connection's state, every step fails (not_enough_memory).
  TlsSocket(Socket& socket, SSL_CTX* ctx);
  ~TlsSocket();
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }

  // One call into OpenSSL: finished (with n bytes or an error), or what to wait for first.
  enum class Want { nothing, read, write };
  struct Step {
    Want want = Want::nothing;
    std::size_t n = 0;
    error_code ec;
  };
  Step handshake_step();
  Step read_step(void* data, std::size_t size);
  Step write_step(const void* data, std::size_t size);
  Step shutdown_step();  // close_notify sent, then the peer's awaited

  template <class Token>
  auto async_handshake(Token&& token) {
    return run([this] { return handshake_step(); }, std::forward<Token>(token));
  }
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    boost::asio::mutable_buffer b = first_buffer<boost::asio::mutable_buffer>(buffers);
    return run([this, b] { return read_step(b.data(), b.size()); }, std::forward<Token>(token));
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    boost::asio::const_buffer b = first_buffer<boost::asio::const_buffer>(buffers);
    return run([this, b] { return write_step(b.data(), b.size()); }, std::forward<Token>(token));
  }
  template <class Token>
  auto async_shutdown(Token&& token) {
    return run([this] { return shutdown_step(); }, std::forward<Token>(token));
  }

 private:
  // A read or write takes what fits one call: the first non-empty buffer of the sequence.
  template <class Buffer, class Buffers>
  static Buffer first_buffer(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it)
      if (Buffer b(*it); b.size() > 0) return b;
    return Buffer();
  }

  // Steps until one finishes: for Want::read, the socket's bytes are received into this stream's
  // buffer (where the BIO finds them); for Want::write, the socket is waited for. Finished at
  // once, the completion is posted, never run inside the call that started the operation.
  template <class StepFn, class Token>
  auto run(StepFn step, Token&& token) {
    return boost::asio::async_compose<Token, void(error_code, std::size_t)>(
        [this, step, started = false, posted = false, result = Step{}](
            auto& self, error_code io_ec = {}, std::size_t received = 0) mutable {
          if (posted) {  // the next turn after a step that finished at once
            self.complete(result.ec, result.n);
            return;
          }
          in_end_ += received;
          if (io_ec) {  // end of stream, the socket failed, or cancelled by the connection's
                        // deadline
            self.complete(io_ec, 0);
            return;
          }
          bool first = !started;
          started = true;
          result = step();
          if (result.want == Want::read) {
            socket_.async_read_some(boost::asio::buffer(in_.get() + in_end_, in_capacity - in_end_),
                                    std::move(self));
          } else if (result.want == Want::write) {
            socket_.async_wait(Socket::wait_write, std::move(self));
          } else if (first) {
            posted = true;
            boost::asio::post(socket_.get_executor(), std::move(self));
          } else {
            self.complete(result.ec, result.n);
          }
        },
        token, socket_);
  }

  // The BIO's side: OpenSSL reads the received bytes and writes to the socket.
  static int bio_read(BIO* bio, char* data, int size);
  static int bio_write(BIO* bio, const char* data, int size);
  static long bio_ctrl(BIO* bio, int cmd, long num, void* ptr);
  static BIO_METHOD* bio_method();

  Step finish(int ret, std::size_t n);

  // Received and not yet read by OpenSSL: a request's records fit (a bigger body takes more reads).
  static constexpr std::size_t in_capacity = 4096;
  Socket& socket_;
  SSL* ssl_ = nullptr;
  std::unique_ptr<char[]> in_;
  std::size_t in_begin_ = 0, in_end_ = 0;
  int write_errno_ = 0;  // the socket's error of a failed write, for the step's error
  bool failed_ = false;  // a fatal error: OpenSSL forbids a shutdown after it
};

}  // namespace sessdemo::serving
