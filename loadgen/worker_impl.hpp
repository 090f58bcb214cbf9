#pragma once
// The inside of a load worker, shared by worker.cpp (scheduling, hand-over of figures) and
// worker_connection.cpp (the per-connection request loop). Not for use elsewhere.
#include "loadgen/worker.hpp"

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
#include <algorithm>
#include <atomic>
#include <optional>
#include <deque>
#include <list>
#include <random>
#include <set>
#include <thread>

#include "loadgen/recorder.hpp"
#include "loadgen/response_parser.hpp"

namespace sessdemo::loadgen {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace worker_detail {
struct Ticket {
  std::uint32_t client;      // index into this worker's clients
  Clock::time_point ready;   // when it wanted to go: latency counts from here
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
  std::vector<Waiter*> waiters;       // idle connections waiting for a ticket
  Clock::time_point down_until{};     // ejected after a connect failure, like a balancer would
  std::string last_instance;          // instance id last seen here (cleaned): failures are charged to it
  std::string last_raw_instance;      // the same as the server sent it
  bool tls_failure_logged = false;    // the first failed handshake is explained, once
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
  bool sent = false;            // the whole request was written
  bool answer_started = false;  // a byte of the answer arrived
  bool keep_alive = true;       // the answer lets the connection be used again
  Clock::time_point write_time{};  // when the request went out (service time starts)
  std::string note;             // why a protocol error is one, for the log
};

enum class IdleState { usable, closed, unasked_bytes };

constexpr auto late_after = std::chrono::milliseconds(10);
// A page the tester judges is kept whole up to this size; a larger one is a protocol error (the
// server decides the size, so it must not decide the tester's memory). Pages of --scenario get
// are read and dropped, whatever their size.
constexpr std::size_t max_judged_body = 512 * 1024;
constexpr unsigned max_connecting = 64;  // per worker
constexpr auto eject_for = std::chrono::seconds(1);
constexpr std::size_t max_backlog = 1'000'000;
}  // namespace worker_detail
using namespace worker_detail;

// TLS 1.2 or 1.3, certificates checked against the system store and --cacert, unless
// --insecure. Throws std::runtime_error for an unreadable --cacert.
net::ssl::context make_tls_context(const LoadOptions& opts);

struct Worker::Impl {
  explicit Impl(WorkerPlan p)
      : plan(std::move(p)), opts(*plan.opts), logic(*plan.logic), guard(ioc.get_executor()),
        rng(plan.first_client + 1), think_timer(ioc), budget_left(plan.budget), recorder(plan.ids) {
    for (const auto& t : plan.targets) {
      Target target;
      target.info = t;
      target.endpoint = tcp::endpoint(net::ip::make_address(t.address), t.port);
      targets.push_back(std::move(target));
    }
    if (std::any_of(plan.targets.begin(), plan.targets.end(), [](const auto& t) { return t.tls; }))
      tls_context.emplace(make_tls_context(opts));
    clients.resize(plan.client_count);
    for (auto& c : clients) c.step = logic.first_step();
  }

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
  std::deque<std::pair<Clock::time_point, std::uint32_t>> thinking;  // closed model with --think
  net::steady_timer think_timer;
  std::deque<std::uint32_t> idle;                 // open model: clients free to take a tick
  std::deque<Clock::time_point> backlog;          // open model: ticks no client was free for
  std::uint64_t outstanding = 0;                  // tickets queued, thinking or on the wire
  std::uint64_t budget_left;
  bool stopping = false;
  bool final_phase = false;
  std::atomic<bool> finished{false};
  std::atomic<std::uint64_t> dropped{0};  // open model: measured ticks neither sent nor queued
  std::list<Guarded*> guarded;  // live connections, for the watchdog
  unsigned connecting = 0;                 // connects (and TLS handshakes) in flight
  std::deque<Waiter*> connect_waiters;     // connections waiting for a connect slot
  std::optional<net::ssl::context> tls_context;  // when an instance is https://
  Recorder recorder;
  // --history: per client, which process slots have an add on the wire (concurrent requests of
  // one client are separate Jepsen processes: client + clients * slot).
  std::vector<std::vector<bool>> hist_busy;

  std::uint32_t global_id(std::uint32_t idx) const { return plan.first_client + idx; }
  bool budget_spent() const { return plan.budget != 0 && budget_left == 0; }
  // --history (worker_connection.cpp): the invoke of the request just built, if it starts an
  // operation that is written; returns the operation and its process.
  struct HistoryOp {
    OpF f = OpF::none;
    std::uint32_t process = 0, slot = 0;
  };
  HistoryOp history_invoke(std::uint32_t idx, Step step, bool measured);
  void history_complete(std::uint32_t idx, const HistoryOp& op, const Answer& a, const Outcome& o,
                        bool sent, const std::string& instance);

  std::size_t pick(std::uint32_t idx) {
    Client& c = clients[idx];
    std::size_t i = pick_instance(opts.balance, global_id(idx), c.sent, targets.size(), rng);
    auto now = Clock::now();
    for (std::size_t k = 0; k < targets.size(); ++k) {
      std::size_t j = (i + k) % targets.size();
      if (targets[j].down_until <= now) return j;
    }
    return i;
  }

  void enqueue(std::uint32_t idx, Clock::time_point ready) {
    Target& t = targets[pick(idx)];
    t.ready.push_back({idx, ready});
    if (!t.waiters.empty()) {
      Waiter* w = t.waiters.back();
      t.waiters.pop_back();
      w->timer.cancel();
    }
  }

  void start_tickets() {
    auto now = Clock::now();
    unsigned per_client = opts.scenario == Scenario::counter ? std::max(1u, opts.inflight) : 1u;
    if (plan.rate > 0) {
      for (std::uint32_t i = 0; i < clients.size(); ++i) idle.push_back(i);
      net::co_spawn(ioc, pacer(), net::detached);
      return;
    }
    // The counter scenario sets up each session with one request, then adds the other tickets.
    for (std::uint32_t i = 0; i < clients.size(); ++i) {
      outstanding++;
      clients[i].tickets = 1;
      enqueue(i, now);
    }
    extra_tickets = per_client - 1;
  }
  unsigned extra_tickets = 0;

  // Called when a ticket's request is answered or failed.
  void reschedule(std::uint32_t idx, Step was) {
    Client& c = clients[idx];
    if (final_phase) {
      outstanding--;
      check_done();
      return;
    }
    if (stopping || budget_spent()) {
      outstanding--;
      check_done();
      return;
    }
    auto now = Clock::now();
    if (ScenarioLogic::continues(c)) {  // a redirect or a login form: at once, on the same ticket
      enqueue(idx, now);
      return;
    }
    if (opts.scenario == Scenario::logout) {
      // As many tickets as the client wants in flight: this one retires or goes on, more join.
      unsigned want = logic.tickets_wanted(c);
      if (c.tickets > want) {
        c.tickets--;
        outstanding--;
        check_done();
        return;
      }
      for (; c.tickets < want; ++c.tickets) {
        outstanding++;
        enqueue(idx, now);
      }
      enqueue(idx, now);
      return;
    }
    if (was == Step::counter_setup && c.step == Step::increment) {
      for (unsigned k = 0; k < extra_tickets; ++k) {
        outstanding++;
        enqueue(idx, now);
      }
    }
    if (plan.rate > 0) {
      outstanding--;
      if (!backlog.empty()) {
        auto when = backlog.front();
        backlog.pop_front();
        outstanding++;
        enqueue(idx, when);
      } else {
        idle.push_back(idx);
      }
      return;
    }
    if (opts.think.count() > 0) {
      bool was_empty = thinking.empty();
      thinking.emplace_back(now + opts.think, idx);
      if (was_empty) think_timer.cancel();
      return;
    }
    enqueue(idx, now);
  }

  void check_done() {
    if (outstanding != 0) return;
    if (opts.scenario == Scenario::counter && !final_phase) {
      final_phase = true;
      auto now = Clock::now();
      for (std::uint32_t i = 0; i < clients.size(); ++i) {
        if (clients[i].jar.empty()) continue;
        clients[i].step = Step::final_read;
        outstanding++;
        enqueue(i, now);
      }
      if (outstanding != 0) return;
    }
    finished = true;
    think_timer.cancel();
    for (auto& t : targets)
      for (Waiter* w : t.waiters) w->timer.cancel();
  }

  void begin_stop() {
    if (stopping) return;
    stopping = true;
    // Queued tickets that never went out are dropped; the wire drains by itself.
    for (auto& t : targets) {
      outstanding -= t.ready.size();
      t.ready.clear();
    }
    outstanding -= thinking.size();
    thinking.clear();
    check_done();
  }

  net::awaitable<void> thinker() {
    while (!finished) {
      if (thinking.empty()) think_timer.expires_at(Clock::time_point::max());
      else think_timer.expires_at(thinking.front().first);
      co_await think_timer.async_wait(use_tuple);
      auto now = Clock::now();
      while (!thinking.empty() && thinking.front().first <= now) {
        auto idx = thinking.front().second;
        thinking.pop_front();
        enqueue(idx, now);
      }
    }
  }

  net::awaitable<void> pacer() {
    auto period = std::chrono::duration<double>(1.0 / plan.rate);
    auto start = Clock::now();
    std::uint64_t tick = 0;
    net::steady_timer timer(ioc);
    while (!stopping && !budget_spent()) {
      auto intended = start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(tick));
      timer.expires_at(intended);
      co_await timer.async_wait(use_tuple);
      auto now = Clock::now();
      // Every tick that is due goes out now, stamped with its own scheduled time.
      while (!stopping && intended <= now) {
        if (!idle.empty()) {
          auto idx = idle.front();
          idle.pop_front();
          outstanding++;
          enqueue(idx, intended);
        } else if (backlog.size() < max_backlog) {
          backlog.push_back(intended);
        } else if (intended >= plan.measure_start) {
          dropped.fetch_add(1, std::memory_order_relaxed);  // never silently: counted, reported
        }
        ++tick;
        intended = start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(tick));
      }
    }
  }

  // The request loop of one connection to target_index, and the timeout watchdog
  // (worker_connection.cpp).
  net::awaitable<void> connection(std::size_t target_index);
  net::awaitable<beast::error_code> open(Guarded& g, Target& t, Opened& opened);
  net::awaitable<void> exchange(Guarded& g, const std::string& request, beast::flat_buffer& buffer,
                                ParsedResponse& parsed, bool keep_body, Exchange& x);
  IdleState idle_state(Guarded& g);
  static void close(Guarded& g);
  void diagnose_failure(const std::string& instance, ErrorKind kind, std::string_view request, const Answer& a,
                        const std::string& note);
  std::set<std::pair<std::string, ErrorKind>> failures_logged;  // this worker's share of "first error" lines
  net::awaitable<beast::error_code> handshake(Guarded& g, Target& t);
  net::awaitable<void> watchdog();

  void run() {
    start_tickets();
    if (opts.think.count() > 0) net::co_spawn(ioc, thinker(), net::detached);
    net::co_spawn(ioc, watchdog(), net::detached);
    for (std::size_t i = 0; i < targets.size(); ++i)
      for (unsigned k = 0; k < plan.connections_per_target; ++k)
        net::co_spawn(ioc, connection(i), net::detached);
    ioc.run();
  }
};

}  // namespace sessdemo::loadgen
