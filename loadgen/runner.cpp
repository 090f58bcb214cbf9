#include "loadgen/runner.hpp"

#include "loadgen/recorder.hpp"

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
#include <ctime>
#include <memory>
#include <thread>

#include "common/utc_time.hpp"
#include "loadgen/checks.hpp"
#include "loadgen/hdr_log.hpp"
#include "loadgen/history.hpp"
#include "loadgen/outputs.hpp"
#include "loadgen/summary.hpp"
#include "loadgen/worker.hpp"

namespace sessdemo::loadgen {

namespace {
using Clock = std::chrono::steady_clock;

std::atomic<bool> interrupted{false};
extern "C" void on_sigint(int) {
  interrupted = true;
}

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
  if (connect(s, reinterpret_cast<sockaddr*>(&ss), len) == 0)
    ok = true;
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
  std::snprintf(
      buf, sizeof buf, "\r%6.1fs  %8.0f req/s  hits %llu  misses %llu  errors %llu  p99 %.2f ms   ",
      elapsed, rps, static_cast<unsigned long long>(s.counters.hits),
      static_cast<unsigned long long>(s.counters.misses),
      static_cast<unsigned long long>(s.counters.errors), s.latency.percentile(99) / 1000.0);
  return buf;
}
// One load run, step by step: plan (threads, connections, open files), probe (does anything
// answer), open the outputs, run (workers and intervals), finish (checks, summary, files).
class LoadRun {
 public:
  explicit LoadRun(const LoadOptions& opts) : opts_(opts) {}
  int plan();
  int probe();
  int open_outputs();
  void run();
  int finish();

 private:
  bool all_finished() const {
    return std::all_of(workers_.begin(), workers_.end(), [](auto& w) { return w->finished(); });
  }
  void sleep_until(Clock::time_point t) const;
  // Writes one CSV interval row set (and the progress line) for the figures since `tick_`.
  void write_interval(const StatsTable& iv, Clock::time_point now);
  void count_counters();
  void warn_shared_ids() const;

  const LoadOptions& opts_;
  unsigned threads_ = 1;
  unsigned per_thread_ = 1;
  std::vector<TargetInfo> targets_;
  std::unique_ptr<ScenarioLogic> logic_;
  InstanceIdBudget ids_{Recorder::max_instances};  // one cap of instance ids for all workers
  std::unique_ptr<OutputFile> csv_file_, json_file_, hdr_file_;
  std::unique_ptr<HistoryLog> history_;
  std::unique_ptr<CsvWriter> csv_;
  std::unique_ptr<HdrLogWriter> hdr_;
  ShardSlice slice_;
  bool show_progress_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  Clock::time_point measure_start_, tick_;
  InstanceStats running_;  // the intervals so far, for the progress line
  RunReport report_;
};

int LoadRun::plan() {
  slice_ = shard_slice(opts_);
  if (slice_.clients == 0) {
    std::fprintf(stderr,
                 "sessdemo load: shard %u/%u gets no clients: --clients (%u) must be at least the "
                 "number of shards\n",
                 opts_.shard_index, opts_.shard_count, opts_.clients);
    return 2;
  }
  threads_ = opts_.threads ? opts_.threads : std::max(1u, std::thread::hardware_concurrency());
  threads_ = std::min(threads_, slice_.clients);
  unsigned per_instance = opts_.connections ? opts_.connections : std::min(slice_.clients, 128u);
  if ((opts_.scenario == Scenario::counter || opts_.scenario == Scenario::logout) && !opts_.connections)
    per_instance = std::min(slice_.clients * std::max(1u, opts_.inflight), 256u);
  per_thread_ = std::max(1u, (per_instance + threads_ - 1) / threads_);
  for (const auto& e : opts_.instances) {
    std::string addr = resolve(e);
    if (addr.empty()) {
      std::fprintf(stderr, "sessdemo load: cannot resolve %s\n", e.host.c_str());
      return 3;
    }
    targets_.push_back({e.to_string(), addr, e.port, e.tls, e.host});
    report_.addresses.push_back(e.to_string());
  }
  std::uint64_t sockets = static_cast<std::uint64_t>(per_thread_) * threads_ * targets_.size();
  rlim_t limit = raise_nofile();
  if (sockets + 64 > limit) {
    std::fprintf(
        stderr,
        "sessdemo load: %llu connections need about %llu open files, but the hard limit is %llu; "
        "lower --connections or raise the limit (ulimit -n)\n",
        static_cast<unsigned long long>(sockets), static_cast<unsigned long long>(sockets + 64),
        static_cast<unsigned long long>(limit));
    return 2;
  }
  return 0;
}

int LoadRun::probe() {
  std::size_t answering = 0;
  for (const auto& t : targets_) {
    if (answers(t.address, t.port, 2000))
      ++answering;
    else
      spdlog::warn("instance {} does not answer", t.label);
  }
  if (answering == 0) {
    std::fprintf(stderr, "sessdemo load: no instance answers at %s\n",
                 targets_.size() == 1 ? targets_[0].label.c_str() : "any of the given addresses");
    return 3;
  }
  return 0;
}

int LoadRun::open_outputs() {
  for (auto [path, file] : {std::pair{&opts_.csv, &csv_file_}, std::pair{&opts_.json, &json_file_},
                            std::pair{&opts_.hdr_log, &hdr_file_}}) {
    if (path->empty()) continue;
    *file = std::make_unique<OutputFile>(*path);
    if (!(*file)->get()) {
      std::fprintf(stderr, "sessdemo load: cannot write %s\n", path->c_str());
      return 2;
    }
  }
  if (csv_file_) {
    csv_ = std::make_unique<CsvWriter>(csv_file_->get());
    csv_->header();
  }
  if (hdr_file_) hdr_ = std::make_unique<HdrLogWriter>(hdr_file_->get());
  if (!opts_.history.empty()) {
    history_ = std::make_unique<HistoryLog>(opts_.history);
    if (!history_->ok()) {
      std::fprintf(stderr, "sessdemo load: cannot write %s\n", opts_.history.c_str());
      return 2;
    }
  }
  return 0;
}

void LoadRun::sleep_until(Clock::time_point t) const {
  while (Clock::now() < t && !interrupted) {
    if (all_finished()) return;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(t - Clock::now(), std::chrono::milliseconds(10)));
  }
}

void LoadRun::write_interval(const StatsTable& iv, Clock::time_point now) {
  double elapsed = std::chrono::duration<double>(now - measure_start_).count();
  double span = std::chrono::duration<double>(now - tick_).count();
  if (csv_) csv_->rows(elapsed, span, iv);
  report_.intervals.push_back(record_of(elapsed, span, iv));
  if (hdr_) hdr_->interval(elapsed - span, span, iv.total().latency);
  InstanceStats itotal = iv.total();
  running_.merge(itotal);
  if (show_progress_)
    std::fputs(
        progress_line(elapsed, running_, span > 0 ? itotal.counters.requests / span : 0).c_str(),
        stderr);
  tick_ = now;
}

void LoadRun::run() {
  logic_ = std::make_unique<ScenarioLogic>(opts_, new_run_tag());
  spdlog::info(
      "load: scenario={} clients={} instances={} threads={} connections/instance={} balance={} {} "
      "run={}",
      to_string(opts_.scenario), opts_.clients, targets_.size(), threads_, per_thread_ * threads_,
      to_string(opts_.balance), opts_.rate > 0 ? "open model" : "closed model", logic_->run_tag());
  report_.started_at = utc_now_iso8601();
  auto start = Clock::now();
  if (hdr_)
    hdr_->header(
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() +
        std::chrono::duration<double>(opts_.warmup).count());
  measure_start_ = start + opts_.warmup;
  report_.measured_start_monotonic_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(measure_start_.time_since_epoch()).count();
  if (history_) history_->begin(measure_start_);
  // This shard's clients (all of them without --shard), its part of --requests and --rate.
  std::uint32_t next_client = slice_.first_client;
  auto requests =
      static_cast<std::uint64_t>(std::llround(static_cast<double>(opts_.requests) * slice_.share));
  if (opts_.requests && requests < threads_)
    requests = threads_;  // every worker needs a budget of 1 or more
  for (unsigned w = 0; w < threads_; ++w) {
    WorkerPlan plan;
    plan.opts = &opts_;
    plan.logic = logic_.get();
    plan.targets = targets_;
    plan.ids = &ids_;
    plan.first_client = next_client;
    plan.client_count = slice_.clients / threads_ + (w < slice_.clients % threads_ ? 1 : 0);
    next_client += plan.client_count;
    plan.connections_per_target = per_thread_;
    if (requests) plan.budget = requests / threads_ + (w < requests % threads_ ? 1 : 0);
    plan.rate = opts_.rate * slice_.share / threads_;
    plan.measure_start = measure_start_;
    if (history_) plan.history = &history_->new_buffer();
    workers_.push_back(std::make_unique<Worker>(std::move(plan)));
  }

  struct sigaction sa {
  }, old_int{}, old_term{};
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  interrupted = false;
  for (auto& w : workers_) w->start();
  show_progress_ = opts_.progress && !opts_.quiet && isatty(STDERR_FILENO);
  auto collect = [&] {
    StatsTable t;
    for (auto& w : workers_) t.merge(w->take_interval());
    return t;
  };

  // Workers record nothing sent before measure_start_, so there is no warm-up to throw away
  // here; whatever is recorded from now on is in the intervals and in the totals.
  sleep_until(measure_start_);
  auto end =
      opts_.duration.count() > 0 ? measure_start_ + opts_.duration : Clock::time_point::max();
  tick_ = measure_start_;
  for (;;) {
    auto next = std::min(tick_ + opts_.interval, end);
    sleep_until(next);
    auto now = Clock::now();
    bool done = interrupted || now >= end || all_finished();
    if (done && now < next) break;  // a partial interval: written with the drain below
    write_interval(collect(), now);
    if (done) break;
  }
  auto measured_end = std::min(Clock::now(), end);
  for (auto& w : workers_) w->stop();
  for (auto& w : workers_) w->join();
  // The rest: a partial interval cut short by an interrupt or the end, and the answers that came
  // in while the wire drained. One last row, so that the interval rows add up to the totals.
  StatsTable rest;
  for (auto& w : workers_) rest.merge(w->take_remaining());
  if (!rest.instances.empty()) write_interval(rest, Clock::now());
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (show_progress_) std::fputs("\n", stderr);
  report_.opts = &opts_;
  report_.run_tag = logic_->run_tag();
  report_.threads = threads_;
  report_.connections_per_instance = per_thread_ * threads_;
  report_.measured_s =
      std::max(1e-9, std::chrono::duration<double>(measured_end - measure_start_).count());
  report_.interrupted = interrupted;
  for (auto& w : workers_) {
    report_.table.merge(w->totals());
    report_.dropped += w->dropped();
  }
  report_.total = report_.table.total();
}

void LoadRun::count_counters() {
  if (opts_.scenario != Scenario::counter) return;
  auto& k = report_.counter;
  for (auto& w : workers_)
    for (const auto& c : w->clients()) {
      if (c.acked_increments == 0 && c.sent_increments == 0) continue;
      if (c.final_value < 0) {
        k.unverified++;
        continue;
      }
      k.clients_checked++;
      k.acknowledged += c.acked_increments;
      k.final_total += c.final_value;
      k.lost_updates += std::max<std::int64_t>(0, c.acked_increments - c.final_value);
      k.phantom_updates += std::max<std::int64_t>(0, c.final_value - c.sent_increments);
    }
}

void LoadRun::warn_shared_ids() const {
  for (const auto& [id, s] : report_.table.instances)
    if (s.addresses.size() > 1)
      spdlog::warn("instance id '{}' answered from {} addresses ({}): their figures are in one row",
                   id, s.addresses.size(), addresses_of(report_, s));
}

int LoadRun::finish() {
  if (history_ && !history_->close()) {
    std::fprintf(stderr, "sessdemo load: writing %s failed\n", opts_.history.c_str());
    return 2;
  }
  count_counters();
  warn_shared_ids();
  auto checks = evaluate(report_);
  if (csv_)
    csv_->total_row(report_.measured_s, report_.total,
                    opts_.scenario == Scenario::counter
                        ? std::optional<std::int64_t>(report_.counter.lost_updates)
                        : std::nullopt);
  bool stdout_taken =
      (csv_file_ && csv_file_->is_stdout()) || (json_file_ && json_file_->is_stdout()) || opts_.history == "-";
  if (!opts_.quiet || exit_status(report_, checks) != 0)
    write_summary(stdout_taken ? stderr : stdout, report_, checks);
  if (json_file_) {
    std::fputs(to_json(report_, checks).c_str(), json_file_->get());
    std::fflush(json_file_->get());
  }
  return exit_status(report_, checks);
}

}  // namespace

int run_load(const LoadOptions& opts) {
  LoadRun run(opts);
  for (auto step : {&LoadRun::plan, &LoadRun::probe, &LoadRun::open_outputs})
    if (int status = (run.*step)()) return status;
  run.run();
  return run.finish();
}

}  // namespace sessdemo::loadgen
