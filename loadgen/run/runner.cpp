#include "loadgen/run/runner.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <thread>

#include "common/address_probe.hpp"
#include "common/exit_status.hpp"
#include "loadgen/report/checks.hpp"
#include "loadgen/report/junit.hpp"
#include "loadgen/report/summary.hpp"
#include "loadgen/run/load_run.hpp"

namespace sessdemo::loadgen {

namespace {
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
}  // namespace

int LoadRun::plan() {
  // The one shard check: every shard of the run gets a client, so N shards need N clients.
  if (opts_.shard_count > opts_.clients) {
    std::fprintf(stderr,
                 "sessdemo load: --shard %u/%u needs --clients of at least %u (one per shard)\n",
                 opts_.shard_index, opts_.shard_count, opts_.shard_count);
    return exit_code::usage;
  }
  slice_ = shard_slice(opts_);
  threads_ = opts_.threads ? opts_.threads : std::max(1u, std::thread::hardware_concurrency());
  threads_ = std::min(threads_, slice_.clients);
  unsigned per_instance = opts_.connections ? opts_.connections : std::min(slice_.clients, 128u);
  if ((opts_.scenario == Scenario::counter || opts_.scenario == Scenario::logout) &&
      !opts_.connections)
    per_instance = std::min(slice_.clients * std::max(1u, opts_.inflight), 256u);
  per_thread_ = std::max(1u, (per_instance + threads_ - 1) / threads_);
  for (const auto& e : opts_.instances) {
    std::string addr = resolve_first(e.host);
    if (addr.empty()) {
      std::fprintf(stderr, "sessdemo load: cannot resolve %s\n", e.host.c_str());
      return exit_code::unreachable;
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
    return exit_code::usage;
  }
  return 0;
}

int LoadRun::probe() {
  std::size_t answering = 0;
  for (const auto& t : targets_) {
    if (tcp_answers(t.address, t.port, std::chrono::seconds(2)))
      ++answering;
    else
      spdlog::warn("instance {} does not answer", t.label);
  }
  if (answering == 0) {
    std::fprintf(stderr, "sessdemo load: no instance answers at %s\n",
                 targets_.size() == 1 ? targets_[0].label.c_str() : "any of the given addresses");
    return exit_code::unreachable;
  }
  return 0;
}

int LoadRun::open_outputs() {
  for (auto [path, file] :
       {std::pair{&opts_.csv, &csv_file_}, std::pair{&opts_.json, &json_file_},
        std::pair{&opts_.hdr_log, &hdr_file_}, std::pair{&opts_.junit, &junit_file_}}) {
    if (path->empty()) continue;
    *file = std::make_unique<OutputFile>(*path);
    if (!(*file)->get()) {
      std::fprintf(stderr, "sessdemo load: cannot write %s\n", path->c_str());
      return exit_code::usage;
    }
  }
  if (csv_file_) {
    csv_ = std::make_unique<CsvWriter>(csv_file_->get());
    csv_->header();
  }
  if (hdr_file_) hdr_ = std::make_unique<HdrLogWriter>(hdr_file_->get());
  if (!opts_.metrics_host.empty()) {
    try {
      live_ = std::make_unique<LiveMetrics>(opts_.metrics_host, opts_.metrics_port);
      publish_live({});             // scrapes during the warm-up see the series, at 0
      if (opts_.metrics_port == 0)  // a free port was taken: say which
        spdlog::warn("--metrics-bind: serving /metrics on {}:{}", opts_.metrics_host,
                     live_->port());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sessdemo load: --metrics-bind: %s\n", e.what());
      return exit_code::usage;
    }
  }
  if (!opts_.history.empty()) {
    history_ = std::make_unique<HistoryLog>(opts_.history);
    if (!history_->ok()) {
      std::fprintf(stderr, "sessdemo load: cannot write %s\n", opts_.history.c_str());
      return exit_code::usage;
    }
  }
  return 0;
}

// The workers' checkers, one per worker over its own clients, summed.
void LoadRun::take_checked() {
  CheckerFigures all;
  for (auto& w : workers_) all.merge(w->checked());
  report_.counter = all.counter;
  report_.late_writes = all.late_writes;
  report_.late = std::move(all.late);
  report_.anomalies_total = all.anomalies_total;
  report_.anomalies = std::move(all.anomalies);
}

void LoadRun::warn_shared_ids() const {
  for (const auto& [id, s] : report_.table.instances)
    if (s.addresses.size() > 1)
      spdlog::warn("instance id '{}' answered from {} addresses ({}): their figures are in one row",
                   id, s.addresses.size(), addresses_of(report_, s));
}

int LoadRun::finish() {
  if (history_ && !history_->close(report_.interrupted)) {
    std::fprintf(stderr, "sessdemo load: writing %s failed\n", opts_.history.c_str());
    return exit_code::usage;
  }
  take_checked();
  warn_shared_ids();
  auto checks = evaluate(report_);
  if (csv_)
    csv_->total_row(report_.measured_s, report_.total,
                    opts_.scenario == Scenario::counter
                        ? std::optional<std::int64_t>(report_.counter.lost_updates)
                        : std::nullopt);
  bool stdout_taken = (csv_file_ && csv_file_->is_stdout()) ||
                      (json_file_ && json_file_->is_stdout()) || opts_.history == "-" ||
                      opts_.junit == "-";
  if (!opts_.quiet || exit_status(report_, checks) != 0)
    write_summary(stdout_taken ? stderr : stdout, report_, checks);
  if (json_file_) {
    if (!write_json(json_file_->get(), report_, checks) || std::fflush(json_file_->get()) != 0)
      std::fprintf(stderr, "sessdemo load: writing %s failed\n", opts_.json.c_str());
  }
  if (junit_file_ && !write_junit(junit_file_->get(), report_, checks, "sessdemo load")) {
    std::fprintf(stderr, "sessdemo load: writing %s failed\n", opts_.junit.c_str());
    return exit_code::usage;
  }
  return exit_status(report_, checks);
}

int run_load(const LoadOptions& opts) {
  LoadRun run(opts);
  for (auto step : {&LoadRun::plan, &LoadRun::probe, &LoadRun::open_outputs})
    if (int status = (run.*step)()) return status;
  run.run();
  return run.finish();
}

}  // namespace sessdemo::loadgen
