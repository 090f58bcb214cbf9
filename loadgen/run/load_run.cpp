// The running part of a load run: the workers started, an interval written every --interval
// (CSV row, HDR interval, progress line) until the end, an interrupt or the budget; then the
// drain and the totals.
#include "loadgen/run/load_run.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "common/utc_time.hpp"
#include "loadgen/report/checks.hpp"
#include "loadgen/report/progress_line.hpp"

namespace sessdemo::loadgen {

namespace {
std::atomic<bool> interrupted{false};
extern "C" void on_sigint(int) {
  interrupted = true;
}
}  // namespace

void LoadRun::sleep_until(Clock::time_point t) const {
  while (Clock::now() < t && !interrupted) {
    if (all_finished()) return;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(t - Clock::now(), std::chrono::milliseconds(10)));
  }
}

void LoadRun::write_interval(const StatsTable& iv, Clock::time_point now, const IntervalLoad& load,
                             bool drain) {
  double elapsed = std::chrono::duration<double>(now - measure_start_).count();
  double span = std::chrono::duration<double>(now - tick_).count();
  if (csv_) csv_->rows(elapsed, span, iv, load);
  report_.intervals.push_back(record_of(elapsed, span, iv));
  report_.intervals.back().load = load;
  if (hdr_) hdr_->interval(elapsed - span, span, iv.total().latency);
  InstanceStats itotal = iv.total();
  running_.merge(itotal);
  if (live_ || opts_.abort_on_fail) so_far_.merge(iv);
  if (live_) {
    live_checks_ = evaluate(report_so_far(now), Moment::so_far);
    publish_live(load);
  }
  // The drain after the end is a short interval: its rate is no rate of the run.
  if (show_progress_ && !drain) {
    double since_load = std::chrono::duration<double>(now - load_start_).count();
    std::string stage = opts_.stages.empty()
                            ? ""
                            : "  stage " + std::to_string(shape_.stage_at(since_load)) + "/" +
                                  std::to_string(opts_.stages.size());
    double total = opts_.duration.count() > 0
                       ? std::chrono::duration<double>(opts_.duration).count()
                       : std::numeric_limits<double>::infinity();
    std::fputs(progress_line(elapsed, total, stage, running_,
                             span > 0 ? itotal.counters.requests / span : 0, load.clients)
                   .c_str(),
               stderr);
  }
  tick_ = now;
}

double LoadRun::unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// --start-at: the load (its warm-up first) begins so that the measured part starts at the time.
void LoadRun::wait_for_start_at() const {
  if (!opts_.start_at_unix_s) return;
  double begin = *opts_.start_at_unix_s - std::chrono::duration<double>(opts_.warmup).count();
  double wait = begin - unix_now();
  if (wait > 0) {
    spdlog::info("load: waiting {:.3f} s for --start-at", wait);
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  } else if (wait < -0.01) {
    spdlog::warn(
        "load: --start-at was {:.3f} s ago when the load could begin: its shards do not start "
        "together",
        -wait);
  }
}

// What the run asked for and reached by now: clients active, the target rate, ticks dropped.
IntervalLoad LoadRun::load_at(Clock::time_point now) {
  IntervalLoad load;
  for (auto& w : workers_) {
    load.clients += w->active_clients();
    load.dropped += w->dropped();
  }
  load.dropped -= dropped_seen_;
  dropped_seen_ += load.dropped;
  if (opts_.rate > 0)
    load.target_rps =
        shape_.level_at(std::chrono::duration<double>(now - load_start_).count()) * slice_.share;
  return load;
}

void LoadRun::run() {
  logic_ = std::make_unique<ScenarioLogic>(opts_, new_run_tag());
  spdlog::info(
      "load: scenario={} clients={} instances={} threads={} connections/instance={} balance={} {} "
      "run={}",
      to_string(opts_.scenario), opts_.clients, targets_.size(), threads_, per_thread_ * threads_,
      to_string(opts_.balance), opts_.rate > 0 ? "open model" : "closed model", logic_->run_tag());
  wait_for_start_at();
  auto start = Clock::now();
  report_.measured_start_unix_s = unix_now() + std::chrono::duration<double>(opts_.warmup).count();
  report_.started_at = utc_iso8601(static_cast<std::int64_t>(report_.measured_start_unix_s));
  load_start_ = start;
  if (hdr_)
    hdr_->header(
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() +
        std::chrono::duration<double>(opts_.warmup).count());
  measure_start_ = start + opts_.warmup;
  report_.measured_start_monotonic_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(measure_start_.time_since_epoch())
          .count();
  if (history_) history_->begin(measure_start_);
  start_workers();
  take_totals(measure());
}

// This shard's clients (all of them without --shard), its part of --requests and --rate, dealt
// out to the worker threads.
void LoadRun::start_workers() {
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
    plan.said = &said_;
    plan.first_client = next_client;
    plan.client_count = slice_.clients / threads_ + (w < slice_.clients % threads_ ? 1 : 0);
    next_client += plan.client_count;
    plan.connections_per_target = per_thread_;
    if (requests) plan.budget = requests / threads_ + (w < requests % threads_ ? 1 : 0);
    plan.rate = opts_.rate * slice_.share / threads_;
    plan.shape = shape_;
    plan.share = opts_.rate > 0
                     ? slice_.share / threads_
                     : static_cast<double>(plan.client_count) / std::max(1u, opts_.clients);
    plan.load_start = load_start_;
    plan.measure_start = measure_start_;
    if (opts_.duration.count() > 0) plan.measure_end = measure_start_ + opts_.duration;
    if (history_) plan.history = &history_->new_buffer();
    workers_.push_back(std::make_unique<Worker>(std::move(plan)));
  }
}

LoadRun::Clock::time_point LoadRun::measure() {
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
  while (show_progress_ && Clock::now() < measure_start_ && !interrupted && !all_finished()) {
    double left = std::chrono::duration<double>(measure_start_ - Clock::now()).count();
    std::fprintf(stderr, "\r  warm-up: %.1fs left, not counted   ", left);
    sleep_until(std::min(measure_start_, Clock::now() + std::chrono::milliseconds(500)));
  }
  sleep_until(measure_start_);
  auto end =
      opts_.duration.count() > 0 ? measure_start_ + opts_.duration : Clock::time_point::max();
  tick_ = measure_start_;
  for (auto cut = measure_start_;;) {
    auto next = std::min(cut + opts_.interval, end);
    sleep_until(next);
    cut = next;
    auto now = Clock::now();
    bool done = interrupted || now >= end || all_finished();
    if (done)
      logic_->stop_reading_pages();  // a worker parsing a page now hands its figures at once
    if (done && now < next) break;   // a partial interval: written with the drain below
    auto load = load_at(now);  // the load when the interval is cut, before the figures are fetched
    auto figures = collect();
    // The interval ends when the last worker handed its figures over: a worker hands them over
    // once it has run what was queued before, so they hold answers judged after `now` too.
    write_interval(figures, Clock::now(), load);
    if (done || abort_if_hopeless(now)) break;
  }
  auto measured_end = std::min(Clock::now(), end);
  for (auto& w : workers_) w->stop();
  for (auto& w : workers_) w->join();
  // The rest: a partial interval cut short by an interrupt or the end, and the answers that came
  // in while the wire drained. One last row, so that the interval rows add up to the totals.
  StatsTable rest;
  for (auto& w : workers_) rest.merge(w->take_remaining());
  if (!rest.instances.empty()) write_interval(rest, Clock::now(), load_at(Clock::now()), true);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (show_progress_) std::fputs("\n", stderr);
  return measured_end;
}

void LoadRun::publish_live(const IntervalLoad& load) {
  dropped_so_far_ += load.dropped;
  LiveFigures f;
  f.so_far = &so_far_;
  f.active_clients = load.clients;
  f.target_rps = load.target_rps;
  f.dropped = dropped_so_far_;
  f.checks = &live_checks_;
  if (opts_.shard_count > 1)
    f.shard = std::to_string(opts_.shard_index) + "/" + std::to_string(opts_.shard_count);
  live_->publish(render_live_metrics(f));
}

// The figures so far as a report the checks take (what only the end knows, such as the
// counters' final reads, is not in it).
RunReport LoadRun::report_so_far(Clock::time_point now) const {
  RunReport r;
  r.opts = &opts_;
  r.addresses = report_.addresses;
  r.measured_s = std::max(1e-9, std::chrono::duration<double>(now - measure_start_).count());
  r.total = running_;
  r.table = so_far_;
  return r;
}

// --abort-on-fail: the same checks as at the end, on the figures so far (k6's abortOnFail), after
// --abort-grace; true (and why, in the report) at the first that fails.
bool LoadRun::abort_if_hopeless(Clock::time_point now) {
  if (!opts_.abort_on_fail || now - measure_start_ < opts_.abort_grace) return false;
  auto why =
      abort_reason(report_so_far(now), std::chrono::duration<double>(now - measure_start_).count());
  if (!why) return false;
  report_.aborted = *why;
  spdlog::warn("load: stopping early (--abort-on-fail): {}", report_.aborted);
  return true;
}

void LoadRun::take_totals(Clock::time_point measured_end) {
  report_.opts = &opts_;
  report_.run_tag = logic_->run_tag();
  report_.threads = threads_;
  report_.connections_per_instance = per_thread_ * threads_;
  report_.measured_s =
      std::max(1e-9, std::chrono::duration<double>(measured_end - measure_start_).count());
  report_.interrupted = interrupted;
  if (opts_.rate > 0) {
    auto since_load = [&](Clock::time_point t) {
      return std::chrono::duration<double>(t - load_start_).count();
    };
    report_.scheduled = (shape_.count_until(since_load(measured_end)) -
                         shape_.count_until(since_load(measure_start_))) *
                        slice_.share;
  }
  for (auto& w : workers_) {
    // The first worker's table is taken over, the others added to it: one copy of the
    // histograms, not two.
    if (report_.table.instances.empty())
      report_.table = w->take_totals();
    else
      report_.table.merge(w->totals());
    report_.dropped += w->dropped();
    report_.ticks_sent += w->ticks_sent();
  }
  report_.total = report_.table.total();
}

}  // namespace sessdemo::loadgen
