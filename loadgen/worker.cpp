#include "loadgen/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <list>
#include <boost/beast/core/string.hpp>
#include <atomic>
#include <deque>
#include <future>
#include <random>
#include <thread>

#include "loadgen/response_parser.hpp"

namespace sessdemo::loadgen {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {
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
  Clock::time_point deadline = Clock::time_point::max();
  bool timed_out = false;
};

struct Target {
  TargetInfo info;
  tcp::endpoint endpoint;
  std::deque<Ticket> ready;
  std::vector<Waiter*> waiters;       // idle connections waiting for a ticket
  Clock::time_point down_until{};     // ejected after a connect failure, like a balancer would
  std::string last_instance;          // X-Instance-Id last seen here: failures are charged to it
};

constexpr auto late_after = std::chrono::milliseconds(10);
constexpr auto eject_for = std::chrono::seconds(1);
constexpr std::size_t max_backlog = 1'000'000;
}  // namespace

struct Worker::Impl {
  explicit Impl(WorkerPlan p)
      : plan(std::move(p)), opts(*plan.opts), logic(*plan.logic), guard(ioc.get_executor()),
        rng(plan.first_client + 1), think_timer(ioc), budget_left(plan.budget) {
    for (const auto& t : plan.targets) {
      Target target;
      target.info = t;
      target.endpoint = tcp::endpoint(net::ip::make_address(t.address), t.port);
      targets.push_back(std::move(target));
    }
    clients.resize(plan.client_count);
    for (auto& c : clients) c.step = logic.first_step();
  }

  WorkerPlan plan;
  const LoadOptions& opts;
  const ScenarioLogic& logic;
  net::io_context ioc{1};
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
  std::list<Guarded*> guarded;  // live connections, for the watchdog
  StatsTable totals;
  StatsTable interval;

  std::uint32_t global_id(std::uint32_t idx) const { return plan.first_client + idx; }
  bool budget_spent() const { return plan.budget != 0 && budget_left == 0; }

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
        }
        ++tick;
        intended = start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(tick));
      }
    }
  }

  // Figures of one instance in both tables. The pointers stay valid while the key is the
  // same and the interval table has not been handed over (interval_generation).
  struct StatsSlot {
    std::string key;
    InstanceStats* total = nullptr;
    InstanceStats* interval = nullptr;
    std::uint64_t generation = ~std::uint64_t{0};
  };
  std::uint64_t interval_generation = 0;

  void record(StatsSlot& slot, const std::string& key, Kind kind, const Outcome& o, int status, std::int64_t us,
              bool late, bool measured) {
    if (!measured) return;
    if (slot.key != key || slot.generation != interval_generation || !slot.total) {
      slot.key = key;
      slot.total = &totals.at(key);
      slot.interval = &interval.at(key);
      slot.generation = interval_generation;
    }
    for (InstanceStats* s : {slot.total, slot.interval}) {
      s->counters.requests++;
      if (o.error) {
        s->counters.errors++;
        if (status >= 500) s->counters.status_5xx++;
      }
      if (late) s->counters.late++;
      if (o.verdict) {
        switch (*o.verdict) {
          case Verdict::hit: s->counters.hits++; break;
          case Verdict::miss: s->counters.misses++; break;
          case Verdict::stale: s->counters.stale++; break;
          case Verdict::foreign: s->counters.foreign++; break;
        }
      }
      s->latency.record(us);
      s->by_kind[static_cast<std::size_t>(kind)].record(us);
    }
  }

  net::awaitable<void> connection(std::size_t target_index) {
    Target& t = targets[target_index];
    Waiter me(ioc);
    Guarded g(ioc);
    auto registered = guarded.insert(guarded.end(), &g);
    tcp::socket& sock = g.socket;
    beast::flat_buffer buffer;
    bool connected = false;
    std::string request, key;
    request.reserve(512);
    ParsedResponse parsed;
    Answer answer;  // reused, so its cookie list keeps its capacity
    StatsSlot slot;
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
        if (budget_left == 0) measured = false;
        else if (--budget_left == 0) begin_stop();
      }
      bool late = plan.rate > 0 && send_time - ticket.ready > late_after;
      request.clear();
      Kind kind = logic.build_request(id, c, t.info.label, request);
      c.sent++;
      beast::error_code ec;
      g.deadline = send_time + opts.timeout;
      g.timed_out = false;
      if (!connected) {
        auto [cec] = co_await sock.async_connect(t.endpoint, use_tuple);
        ec = cec;
        if (ec) {
          t.down_until = Clock::now() + eject_for;
        } else {
          sock.set_option(tcp::no_delay(true));
          sock.non_blocking(true);
          connected = true;
          buffer.clear();
        }
      }
      ResponseParser parser(parsed, step != Step::get);  // plain GETs judge nothing in the body
      if (!ec) {
        // A request fits the socket buffer almost always: send it at once, and go through
        // the reactor only for what is left.
        std::size_t sent = sock.send(net::buffer(request), 0, ec);
        if (ec == net::error::would_block || ec == net::error::try_again) ec = {};
        if (!ec && sent < request.size()) {
          auto [wec, wn] = co_await net::async_write(sock, net::buffer(request.data() + sent, request.size() - sent),
                                                     use_tuple);
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
          if (ec || parser.is_done()) break;
          if (used > 0 && buffer.size() > 0) continue;  // the parser may take more of what is here
        }
        auto [rec, n] = co_await sock.async_read_some(buffer.prepare(16 * 1024), use_tuple);
        if (rec == net::error::eof) {
          parser.put_eof(ec);  // a body delimited by the end of the connection
          if (!ec && !parser.is_done()) ec = rec;
          break;
        }
        ec = rec;
        buffer.commit(n);
      }
      g.deadline = Clock::time_point::max();
      if (g.timed_out && ec) ec = beast::error::timeout;
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - ticket.ready).count();
      answer.status = 0;
      answer.body = {};
      answer.set_cookies.clear();
      key = t.last_instance.empty() ? t.info.label : t.last_instance;
      if (!ec) {
        answer.status = parsed.status;
        answer.body = parsed.body;
        answer.set_cookies.assign(parsed.set_cookies.begin(), parsed.set_cookies.begin() + parsed.cookie_count);
        if (!parsed.instance.empty()) {
          key = parsed.instance;
          if (t.last_instance != key) t.last_instance = key;
        }
        if (!parser.keep_alive()) ec = beast::http::error::end_of_stream;  // close below; the answer counts
      }
      Outcome o = logic.apply(id, c, step, answer);
      if (step == Step::final_read) measured = false;
      record(slot, key, kind, o, answer.status, us, late, measured);
      if (ec) {
        beast::error_code ignored;
        sock.close(ignored);
        connected = false;
      }
      reschedule(ticket.client, step);
    }
    guarded.erase(registered);
    beast::error_code ignored;
    sock.close(ignored);
  }

  // Closes the socket of any connection whose operation outlived the request timeout; the
  // pending operation then fails and the request counts as an error.
  net::awaitable<void> watchdog() {
    net::steady_timer timer(ioc);
    while (!finished) {
      timer.expires_after(std::chrono::milliseconds(50));
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

Worker::Worker(WorkerPlan plan) : impl_(std::make_unique<Impl>(std::move(plan))) {}

Worker::~Worker() {
  if (impl_->thread.joinable()) join();
}

void Worker::start() {
  impl_->thread = std::thread([this] { impl_->run(); });
}

void Worker::stop() {
  net::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

bool Worker::finished() const { return impl_->finished.load(); }

StatsTable Worker::take_interval() {
  std::promise<StatsTable> p;
  auto f = p.get_future();
  net::post(impl_->ioc, [this, &p] {
    impl_->interval_generation++;
    p.set_value(std::exchange(impl_->interval, StatsTable{}));
  });
  return f.get();
}

void Worker::join() {
  net::post(impl_->ioc, [this] {
    if (!impl_->finished) impl_->begin_stop();
  });
  // Let the drain finish, then release the io_context.
  while (!impl_->finished) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  net::post(impl_->ioc, [this] { impl_->guard.reset(); });
  if (impl_->thread.joinable()) impl_->thread.join();
}

const StatsTable& Worker::totals() const { return impl_->totals; }
const std::vector<Client>& Worker::clients() const { return impl_->clients; }

}  // namespace sessdemo::loadgen
