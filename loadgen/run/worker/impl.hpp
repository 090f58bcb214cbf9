#pragma once
// The inside of a load worker (one thread of the tester), a folder of its own. Not for use
// elsewhere (worker.hpp is the worker's face). Its parts, one file each:
//   worker.cpp      the thread, and the hand-over of figures to the runner
//   schedule.cpp    the scheduler's timers (run/scheduler) and the workloads' ticket policies
//   connection.cpp  one connection's request loop, and the timeout watchdog
//   exchange.cpp    one request and its answer on a connection
//   open.cpp        connect and the TLS handshake
//   operations.cpp  the operations of the requests: the checker's input, and --history
#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <list>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>

#include "loadgen/http/response_parser.hpp"
#include "loadgen/run/recorder.hpp"
#include "loadgen/run/scheduler.hpp"
#include "loadgen/run/worker/worker.hpp"

namespace sessdemo::loadgen {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// TLS 1.2 or 1.3, certificates checked against the system store and --cacert, unless
// --insecure. Throws std::runtime_error for an unreadable --cacert.
net::ssl::context make_tls_context(const LoadOptions& opts);

struct Worker::Impl {
  struct Ticket {
    std::uint32_t client;     // index into this worker's clients
    Clock::time_point ready;  // when it wanted to go: latency counts from here
  };

  struct Waiter {
    explicit Waiter(net::io_context& ioc) : timer(ioc) {}
    net::steady_timer timer;
  };

  // A connection's socket and the time its current operation must end by. One watchdog per
  // worker checks them all, instead of arming a timer around every read and write.
  struct Guarded {
    explicit Guarded(net::io_context& ioc) : socket(ioc) {}
    tcp::socket socket;
    std::optional<net::ssl::stream<tcp::socket&>> tls;  // over socket, for https:// instances
    Clock::time_point deadline = Clock::time_point::max();
    bool timed_out = false;
  };

  struct Target {
    TargetInfo info;
    tcp::endpoint endpoint;
    std::deque<Ticket> ready;
    std::vector<Waiter*> waiters;    // idle connections waiting for a ticket
    Clock::time_point down_until{};  // ejected after a connect failure, like a balancer would
    std::string last_instance;  // instance id last seen here (cleaned): failures are charged to it
    std::string last_raw_instance;    // the same as the server sent it
    std::string unnamed_key;          // "HOST:PORT (no X-Instance-Id)": answers without the header
    bool tls_failure_logged = false;  // the first failed handshake is explained, once
  };

  // How a connection's opening went.
  struct Opened {
    ErrorKind failure = ErrorKind::reset;
    std::int64_t connect_us = -1, tls_us = -1;  // -1: not done (or not on this request)
  };

  // How one request and its answer went on a connection.
  struct Exchange {
    beast::error_code ec;
    ErrorKind failure = ErrorKind::reset;  // what an ec is, unless said otherwise
    bool sent = false;                     // the whole request was written
    bool answer_started = false;           // a byte of the answer arrived
    bool keep_alive = true;                // the answer lets the connection be used again
    Clock::time_point write_time{};        // when the request went out (service time starts)
    std::string note;                      // why a protocol error is one, for the log
  };

  enum class IdleState { usable, closed, unasked_bytes };

  static constexpr auto late_after = std::chrono::milliseconds(10);
  // A page the tester judges is kept whole up to this size; a larger one is a protocol error (the
  // server decides the size, so it must not decide the tester's memory). Pages of --scenario get
  // are read and dropped, whatever their size.
  static constexpr std::size_t max_judged_body = 512 * 1024;
  static constexpr unsigned max_connecting = 64;  // per worker
  static constexpr auto eject_for = std::chrono::seconds(1);

  explicit Impl(WorkerPlan p);

  WorkerPlan plan;
  const LoadOptions& opts;
  const ScenarioLogic& logic;
  // Sockets and timers are used from this worker thread only, so the reactor need not lock;
  // posts from other threads (figures, stop) still go through the locked scheduler.
  net::io_context ioc{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  net::executor_work_guard<net::io_context::executor_type> guard;
  std::thread thread;
  std::minstd_rand rng;
  std::vector<Client> clients;
  std::vector<Target> targets;
  net::steady_timer think_timer;
  std::uint64_t budget_left;
  bool stopping = false;
  bool final_phase = false;
  std::atomic<bool> finished{false};
  // Tickets, think times, the ramp, the open model's backlog and drops (socket-free).
  Scheduler scheduler;
  std::list<Guarded*> guarded;  // live connections, for the watchdog
  unsigned connecting = 0;      // connects (and TLS handshakes) in flight
  // --local-ips: the source addresses new connections take in turn, by family (read once).
  std::vector<net::ip::address> local_v4, local_v6;
  bool locals_read = false;
  std::size_t next_local = 0;
  std::deque<Waiter*> connect_waiters;           // connections waiting for a connect slot
  std::optional<net::ssl::context> tls_context;  // when an instance is https://
  Recorder recorder;
  // Plain connections read into this, the thread's one read buffer, and keep only what the
  // parser has not taken yet (used between two suspensions only, so one per thread is enough).
  std::vector<char> read_scratch = std::vector<char>(64 * 1024);
  // The one checker, for this worker's clients (their keys are this worker's only); off after it
  // refused an operation of the tester's own (a bug, said once).
  OperationChecker checker{logic.run_tag()};
  bool checking = true;
  // Per client, its lanes of operations: lane 0 the sequential one, more for adds on the wire at
  // once. Each lane is a Jepsen process, client + clients * k, with a new k after an `info`.
  struct Lanes {
    std::vector<std::uint32_t> k;
    std::vector<bool> busy;
    std::uint32_t max_k = 0;
  };
  std::vector<Lanes> lanes;

  std::uint32_t global_id(std::uint32_t idx) const { return plan.first_client + idx; }
  bool budget_spent() const { return plan.budget != 0 && budget_left == 0; }
  // The operations (operations.cpp): the invoke of the request just built, if it starts an
  // operation; returns the operation and its process. Its completion: a read comes back judged.
  struct Operation {
    OpF f = OpF::none;
    std::uint64_t process = 0;
    std::uint32_t slot = 0;
    bool warmup = false;
  };
  Operation history_invoke(std::uint32_t idx, Step step, bool measured);
  std::optional<Judged> history_complete(std::uint32_t idx, const Operation& op, const Answer& a,
                                         const Outcome& o, bool sent, const std::string& instance);
  std::uint64_t process_of(std::uint32_t idx, std::uint32_t lane) const;
  std::optional<Judged> take(HistoryEvent& e);  // judged, and written with --history

  std::size_t pick(std::uint32_t idx);  // the target for a client's next request

  void enqueue(std::uint32_t idx, Clock::time_point ready);

  void start_tickets();
  unsigned extra_tickets = 0;

  // Called when a ticket's request is answered or failed.
  void reschedule(std::uint32_t idx, Step was);

  void check_done();

  void begin_stop();

  net::awaitable<void> thinker();

  net::awaitable<void> pacer();
  bool staged_closed() const { return plan.rate <= 0 && !opts.stages.empty(); }
  std::uint32_t active_at(Clock::time_point t) const;  // closed model: the shape's clients now
  void ramp_to(std::uint32_t want);
  net::awaitable<void> ramper();

  // One connection to an instance, what it keeps from request to request (connection.cpp).
  struct Line {
    Line(net::io_context& ioc, std::size_t target) : me(ioc), g(ioc), target_index(target) {
      request.reserve(256);  // a GET with cookies; grows for longer ones
    }
    Waiter me;  // parks the connection while it waits for a ticket or a connect slot
    Guarded g;
    const std::size_t target_index;
    // Reads of 2 KiB: a small page and its headers in one read, bigger ones in a few; 10,000
    // connections keep 20 MB of buffers instead of 160 (16 KiB each, as it was).
    beast::flat_buffer buffer;
    bool connected = false;
    bool holding_slot = false;  // opened and not yet had its first answer: holds a connect slot
    std::string request, key;
    ParsedResponse parsed;
    Answer answer;  // reused, so its cookie list keeps its capacity
    Recorder::Slot slot;
  };
  // One ticket on a line: what the request was, and how sending it went.
  struct Attempt {
    Ticket ticket;
    Step step = Step::home;
    Kind kind = Kind::home;
    Clock::time_point send_time;
    bool measured = false, late = false;
    Operation hist;
    Opened opened;
    Exchange x;
    bool retried = false;
  };
  net::awaitable<void> connection(std::size_t target_index);
  net::awaitable<void> wait_for(Waiter& me);  // until its timer is cancelled
  Attempt begin_attempt(Line& line, Ticket ticket);
  net::awaitable<void> deliver(Line& line, Client& c, Attempt& a);
  void complete(Line& line, Attempt& a);
  void release_slot(Line& line);
  void diagnose_failure(const std::string& instance, ErrorKind kind, std::string_view request,
                        const Answer& a, const std::string& note);
  std::set<std::pair<std::string, ErrorKind>>
      failures_logged;  // this worker's share of "first error" lines
  net::awaitable<void> watchdog();
  // One request and its answer, and the state of an idle connection (exchange.cpp).
  bool answer_ends(const ResponseParser& parser, const ParsedResponse& parsed,
                   beast::flat_buffer& buffer, Exchange& x);
  std::size_t read_ready(tcp::socket& sock, beast::flat_buffer& buffer, beast::error_code& ec);
  net::awaitable<void> exchange(Guarded& g, const std::string& request, beast::flat_buffer& buffer,
                                ParsedResponse& parsed, bool keep_body, Exchange& x);
  IdleState idle_state(Guarded& g);
  static bool closed_by_peer(const beast::error_code& ec);
  static void close(Guarded& g);
  // Connect and the TLS handshake (open.cpp).
  net::awaitable<beast::error_code> open(Guarded& g, Target& t, Opened& opened);
  beast::error_code bind_local(Guarded& g, const Target& t);
  net::awaitable<beast::error_code> handshake(Guarded& g, Target& t);

  void run();
};

}  // namespace sessdemo::loadgen
