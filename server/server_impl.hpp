#pragma once
// Inside the server (server/*.cpp only): a connection, the I/O threads that own connections,
// and the listener's state. Asio's server example split: the listener (listener.cpp), a
// connection (connection.cpp), each thread's set of connections (connection_set.cpp), shutdown
// (shutdown.cpp), and the wiring (server.cpp).
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <optional>
#include <thread>
#include <unordered_set>
#include <variant>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>

#include "server/http_wire.hpp"
#include "server/server.hpp"
#include "server/store_executor.hpp"

namespace sessdemo {
namespace serving {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
using Clock = std::chrono::steady_clock;
using Socket = net::basic_stream_socket<tcp, net::io_context::executor_type>;
// Where a connection is: what its deadline (if any) bounds.
enum class Phase {
  waiting,   // for the first byte of a request: the idle timeout (request timeout at first)
  reading,   // the rest of the request: the request timeout from its first byte
  handling,  // the router or the store executor has it: the store's deadlines bound it
  writing,   // the answer: the request timeout
};

struct IoThread;

struct Connection {
  Connection(Socket s, IoThread& w, bool metrics)
      : socket(std::move(s)), home(w), metrics_only(metrics) {}
  Socket socket;
  const Clock::time_point accepted = Clock::now();  // the first request's time runs from here
  IoThread& home;                                   // the I/O thread it lives on
  const bool metrics_only;  // accepted on --metrics-bind: /metrics and /healthz only
  // Touched only on its I/O thread:
  Phase phase = Phase::waiting;
  Clock::time_point deadline = Clock::time_point::max();
  const http::Request* request = nullptr;  // while handling, for the 503 of a cut
  Route route = Route::other;              // the request's, for the same
  bool cut = false;                        // answered 503 at the grace deadline
  bool tls = false;                        // HTTPS, past its handshake
  std::string out;                         // the answer, serialized; reused request to request
};

// One I/O thread and its io_context: a connection lives on one I/O thread from accept to close, so
// nothing of a connection needs a lock or a strand.
struct IoThread {
  std::unordered_set<Connection*> conns;  // before ioc: frames that erase from it die with ioc
  // Reads of read-only pages that arrived in this turn of the loop: loaded together at its end,
  // on this thread, while the store answers fast (StoreExecutor::read_here).
  std::vector<StoreExecutor::Read> reads;
  std::vector<StoreExecutor::Read> loading;  // the turn's reads while they load (capacity kept)
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> guard{ioc.get_executor()};
};

void answer_head(http::Response& res);
// The answer goes out next: serialized into the connection's buffer, under the write deadline.
void prepare_answer(Connection& c, const http::Response& res, std::chrono::milliseconds timeout);

}  // namespace serving

struct Server::Impl {
  Impl(ServerConfig c, Router& r, SessionService& s, Metrics& m)
      : config(std::move(c)), router(r), metrics(m), io_threads(make_io_threads(config.threads)),
        acceptor(io_threads[0]->ioc), metrics_acceptor(io_threads[0]->ioc),
        store(r, s, config.store, m.executor_counters()) {}
  static std::vector<std::unique_ptr<serving::IoThread>> make_io_threads(unsigned n) {
    std::vector<std::unique_ptr<serving::IoThread>> w;
    for (unsigned i = 0; i < std::max(1u, n); ++i)
      w.push_back(std::make_unique<serving::IoThread>());
    return w;
  }

  ServerConfig config;
  Router& router;
  Metrics& metrics;
  std::vector<std::unique_ptr<serving::IoThread>> io_threads;
  serving::tcp::acceptor acceptor;
  serving::tcp::acceptor metrics_acceptor;
  std::string metrics_where;
  // --tls-cert and --tls-key: HTTPS on the main port
  std::optional<serving::net::ssl::context> tls;
  // After the io_threads: destroyed first, so its threads have finished before the coroutine
  // frames that wait for them go away with the io_contexts.
  StoreExecutor store;
  serving::net::signal_set signals{io_threads[0]->ioc};
  bool catching_signals = false;
  std::atomic<bool> stopping{false};
  std::atomic<bool> cut_now{false};  // a second stop: the grace period ends at once
  std::atomic<std::size_t> cut{0};
  std::atomic<int> refusing{0};          // refused connections still being answered 503
  std::atomic<unsigned> handshaking{0};  // TLS handshakes in progress
  // --metrics-bind has a small budget of its own, not counted against --max-connections: with
  // the public port full, monitoring still gets /metrics and /healthz.
  static constexpr long max_monitoring = 16;
  std::atomic<long> monitoring{0};
  std::size_t next_thread = 0;  // on I/O thread 0

  serving::net::awaitable<void> accept_loop(serving::tcp::acceptor& a, bool metrics_only);
  void refuse_connection(serving::Socket socket);
  serving::net::awaitable<void> answer_refused(serving::Socket socket);
  static void close_with_alert(serving::Socket& socket);
  // Ends a connection whatever path leaves its coroutine (return, error or exception): the
  // socket is closed, the connection forgotten and counted out.
  struct ConnectionCleanup {
    Impl& impl;
    serving::Connection& conn;
    ~ConnectionCleanup();
  };

  serving::net::awaitable<void> serve(std::shared_ptr<serving::Connection> conn);
  template <class Stream>
  serving::net::awaitable<void> serve_loop(serving::Connection& c, Stream& s);
  serving::net::awaitable<void> sweep(serving::IoThread& w);
  auto store_answer(const http::Request& req, Routed& routed);
  auto read_here(serving::IoThread& w, const http::Request& req, Routed& routed);
  void load_reads(serving::IoThread& w);
  serving::net::awaitable<void> drain();
  void begin_stop();
  // At the grace deadline: what waits for the store gets 503, every connection is closed.
  void cut_connections(serving::IoThread& w);
  std::chrono::milliseconds sweep_interval() const;
};

}  // namespace sessdemo
