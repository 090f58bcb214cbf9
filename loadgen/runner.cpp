#include "loadgen/runner.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <thread>

#include "loadgen/report.hpp"
#include "loadgen/worker.hpp"

namespace sessdemo::loadgen {

namespace {
using Clock = std::chrono::steady_clock;

std::atomic<bool> interrupted{false};
extern "C" void on_sigint(int) { interrupted = true; }

// The first address of host:port, numeric, or "" when it does not resolve.
std::string resolve(const Endpoint& e) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(e.host.c_str(), nullptr, &hints, &res) != 0 || !res) return {};
  char buf[INET6_ADDRSTRLEN] = {};
  if (res->ai_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr, buf, sizeof buf);
  else
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr, buf, sizeof buf);
  freeaddrinfo(res);
  return buf;
}

// True when a TCP connection to address:port opens within the timeout.
bool answers(const std::string& address, std::uint16_t port, int timeout_ms) {
  sockaddr_storage ss{};
  socklen_t len;
  if (address.find(':') != std::string::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, address.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    inet_pton(AF_INET, address.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  int s = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (s < 0) return false;
  bool ok = false;
  if (connect(s, reinterpret_cast<sockaddr*>(&ss), len) == 0) ok = true;
  else if (errno == EINPROGRESS) {
    pollfd p{s, POLLOUT, 0};
    if (poll(&p, 1, timeout_ms) == 1) {
      int err = 0;
      socklen_t el = sizeof err;
      getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
      ok = err == 0;
    }
  }
  close(s);
  return ok;
}

// Raises the soft open-file limit to the hard one; returns the limit now in force.
rlim_t raise_nofile() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

std::string progress_line(double elapsed, const InstanceStats& s, double rps) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "\r%6.1fs  %8.0f req/s  hits %llu  misses %llu  errors %llu  p99 %.2f ms   ",
                elapsed, rps, static_cast<unsigned long long>(s.counters.hits),
                static_cast<unsigned long long>(s.counters.misses),
                static_cast<unsigned long long>(s.counters.errors), s.latency.percentile(99) / 1000.0);
  return buf;
}
}  // namespace

int run_load(const LoadOptions& opts) {
  unsigned threads = opts.threads ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max(1u, opts.clients));
  unsigned per_instance = opts.connections ? opts.connections : std::min(opts.clients, 128u);
  if (opts.scenario == Scenario::counter && !opts.connections)
    per_instance = std::min(opts.clients * std::max(1u, opts.inflight), 256u);
  unsigned per_thread = std::max(1u, (per_instance + threads - 1) / threads);

  std::vector<TargetInfo> targets;
  for (const auto& e : opts.instances) {
    std::string addr = resolve(e);
    if (addr.empty()) {
      std::fprintf(stderr, "sessdemo load: cannot resolve %s\n", e.host.c_str());
      return 3;
    }
    targets.push_back({e.to_string(), addr, e.port});
  }

  std::uint64_t sockets = static_cast<std::uint64_t>(per_thread) * threads * targets.size();
  rlim_t limit = raise_nofile();
  if (sockets + 64 > limit) {
    std::fprintf(stderr,
                 "sessdemo load: %llu connections need about %llu open files, but the hard limit is %llu; "
                 "lower --connections or raise the limit (ulimit -n)\n",
                 static_cast<unsigned long long>(sockets), static_cast<unsigned long long>(sockets + 64),
                 static_cast<unsigned long long>(limit));
    return 2;
  }

  std::size_t answering = 0;
  for (const auto& t : targets) {
    if (answers(t.address, t.port, 2000)) ++answering;
    else spdlog::warn("instance {} does not answer", t.label);
  }
  if (answering == 0) {
    std::fprintf(stderr, "sessdemo load: no instance answers at %s\n",
                 targets.size() == 1 ? targets[0].label.c_str() : "any of the given addresses");
    return 3;
  }

  ScenarioLogic logic(opts, new_run_tag());
  spdlog::info("load: scenario={} clients={} instances={} threads={} connections/instance={} balance={} {} run={}",
               to_string(opts.scenario), opts.clients, targets.size(), threads, per_thread * threads,
               to_string(opts.balance), opts.rate > 0 ? "open model" : "closed model", logic.run_tag());

  std::FILE* csv_file = nullptr;
  bool csv_stdout = opts.csv == "-";
  if (!opts.csv.empty()) {
    csv_file = csv_stdout ? stdout : std::fopen(opts.csv.c_str(), "w");
    if (!csv_file) {
      std::fprintf(stderr, "sessdemo load: cannot write %s\n", opts.csv.c_str());
      return 2;
    }
  }
  std::unique_ptr<CsvWriter> csv = csv_file ? std::make_unique<CsvWriter>(csv_file) : nullptr;
  if (csv) csv->header();

  auto start = Clock::now();
  auto measure_start = start + opts.warmup;
  std::vector<std::unique_ptr<Worker>> workers;
  std::uint32_t next_client = 0;
  for (unsigned w = 0; w < threads; ++w) {
    WorkerPlan plan;
    plan.opts = &opts;
    plan.logic = &logic;
    plan.targets = targets;
    plan.first_client = next_client;
    plan.client_count = opts.clients / threads + (w < opts.clients % threads ? 1 : 0);
    next_client += plan.client_count;
    plan.connections_per_target = per_thread;
    if (opts.requests) plan.budget = opts.requests / threads + (w < opts.requests % threads ? 1 : 0);
    plan.rate = opts.rate / threads;
    plan.measure_start = measure_start;
    workers.push_back(std::make_unique<Worker>(std::move(plan)));
  }

  struct sigaction sa{}, old_int{}, old_term{};
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  interrupted = false;
  for (auto& w : workers) w->start();

  bool show_progress = opts.progress && !opts.quiet && isatty(STDERR_FILENO);
  auto sleep_until = [&](Clock::time_point t) {
    while (Clock::now() < t && !interrupted) {
      bool all_done = std::all_of(workers.begin(), workers.end(), [](auto& w) { return w->finished(); });
      if (all_done) return;
      std::this_thread::sleep_for(std::min<Clock::duration>(t - Clock::now(), std::chrono::milliseconds(10)));
    }
  };
  auto collect = [&] {
    StatsTable t;
    for (auto& w : workers) t.merge(w->take_interval());
    return t;
  };

  sleep_until(measure_start);
  collect();  // warm-up figures are not counted (workers do not record them anyway)
  auto end = opts.duration.count() > 0 ? measure_start + opts.duration : Clock::time_point::max();
  auto tick = measure_start;
  InstanceStats running;
  for (;;) {
    auto next = std::min(tick + opts.interval, end);
    sleep_until(next);
    auto now = Clock::now();
    bool done = interrupted || now >= end ||
                std::all_of(workers.begin(), workers.end(), [](auto& w) { return w->finished(); });
    if (done && now < next) break;  // a partial interval: its figures come with the final drain
    StatsTable iv = collect();
    double elapsed = std::chrono::duration<double>(now - measure_start).count();
    double span = std::chrono::duration<double>(now - tick).count();
    if (csv) csv->rows(elapsed, span, iv);
    InstanceStats itotal = iv.total();
    running.merge(itotal);
    if (show_progress)
      std::fputs(progress_line(elapsed, running, span > 0 ? itotal.counters.requests / span : 0).c_str(), stderr);
    tick = now;
    if (done) break;
  }
  auto measured_end = std::min(Clock::now(), end);
  for (auto& w : workers) w->stop();
  for (auto& w : workers) w->join();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (show_progress) std::fputs("\n", stderr);
  // Answers that came in during the drain count in the totals and the "total" row, not as an
  // interval of their own (it would be a fraction of a period and skew the plots).

  RunReport report;
  report.opts = &opts;
  report.run_tag = logic.run_tag();
  report.threads = threads;
  report.connections_per_instance = per_thread * threads;
  report.measured_s = std::max(1e-9, std::chrono::duration<double>(measured_end - measure_start).count());
  report.interrupted = interrupted;
  for (auto& w : workers) report.table.merge(w->totals());
  report.total = report.table.total();
  if (opts.scenario == Scenario::counter) {
    for (auto& w : workers)
      for (const auto& c : w->clients()) {
        if (c.acked_increments == 0 && c.sent_increments == 0) continue;
        if (c.final_value < 0) {
          report.counter.unverified++;
          continue;
        }
        report.counter.clients_checked++;
        report.counter.acknowledged += c.acked_increments;
        report.counter.final_total += c.final_value;
        report.counter.lost_updates += std::max<std::int64_t>(0, c.acked_increments - c.final_value);
        report.counter.phantom_updates += std::max<std::int64_t>(0, c.final_value - c.sent_increments);
      }
  }
  auto checks = evaluate(report);
  if (csv)
    csv->total_row(report.measured_s, report.total,
                   opts.scenario == Scenario::counter ? std::optional<std::int64_t>(report.counter.lost_updates)
                                                      : std::nullopt);
  if (csv_file && !csv_stdout) std::fclose(csv_file);
  if (!opts.quiet || !all_passed(checks)) write_summary(csv_stdout ? stderr : stdout, report, checks);
  if (!opts.json.empty()) {
    std::FILE* f = std::fopen(opts.json.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "sessdemo load: cannot write %s\n", opts.json.c_str());
      return 2;
    }
    std::fputs(to_json(report, checks).c_str(), f);
    std::fclose(f);
  }
  return all_passed(checks) ? 0 : 1;
}

}  // namespace sessdemo::loadgen
