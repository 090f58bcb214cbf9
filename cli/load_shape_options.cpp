// The load's shape and limits on the command line: --think, --rate, --stages, and the
// thresholds (--max-latency, --max-service, --max-p99, --min-rps, --min-rate-fraction,
// --abort-on-fail).
#include "cli/load_shape_options.hpp"

#include <cmath>
#include <tuple>

#include <CLI/App.hpp>

#include "cli/options.hpp"
#include "common/duration.hpp"
#include "common/utc_time.hpp"

namespace sessdemo::cli {

void add_load_shape_options(CLI::App& app, LoadCliOptions& o) {
  auto& l = o.load;
  app.add_option("--think", o.think,
                 "closed model: pause between a client's requests: 200ms (fixed), 100ms-500ms "
                 "(uniform), exp:300ms (exponential with that mean)")
      ->type_name("THINK");
  app.add_option("--rate", l.rate,
                 "open model: total requests per second on a fixed schedule (with --stages: the "
                 "rate the first stage ramps from)")
      ->check(finite_range(0.001, 1e7));
  app.add_option(
         "--stages", o.stages,
         "D:N,D:N,... ramp linearly to N over each D (30s:100,2m:100,30s:0): active clients "
         "from 0 (closed model; --clients is the largest N), or requests/s from --rate "
         "(open model); the run lasts their sum, the warm-up included")
      ->type_name("STAGES");
  app.add_option("--start-at", o.start_at,
                 "TIME (UTC, ISO 8601: 2026-12-01T20:00:00Z) or +D from now: probe the instances, "
                 "wait, and start the measured part at TIME (the warm-up just before it), so that "
                 "shards started apart measure the same window")
      ->type_name("TIME")
      ->envname("SESSDEMO_START_AT");
}

void add_limit_options(CLI::App& app, LoadCliOptions& o) {
  auto& l = o.load;
  add_duration(app, "--max-p99", o.max_p99,
               "fail when p99 latency is above this (0: no limit); "
               "the same as --max-latency p99=D");
  app.add_option("--max-latency", o.max_latency,
                 "PCT=D: fail when that latency percentile (p50 to p99.99, from when a request was "
                 "due) is above D (repeatable: --max-latency p95=200ms --max-latency p50=20ms)")
      ->type_name("PCT=D")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--max-service", o.max_service,
                 "PCT=D: the same on service time (from the send to the answer)")
      ->type_name("PCT=D")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--min-rps", l.min_rps, "fail when fewer requests per second were answered")
      ->check(finite_range(0, 1e9));
  app.add_option("--min-rate-fraction", l.min_rate_fraction,
                 "open model: fail when the rate reached is below this fraction of the schedule's")
      ->check(finite_range(0, 1))
      ->capture_default_str();
  app.add_flag(
      "--abort-on-fail", l.abort_on_fail,
      "after each interval, evaluate every check on the figures so far (latency and service "
      "limits included) and stop at the first that fails; exit 1 with the summary");
  add_duration(app, "--abort-grace", l.abort_grace,
               "--abort-on-fail: no abort before this much measured time");
}

// --think, --stages, --max-latency, --max-service and --max-p99 into the options.
namespace {
std::optional<std::string> read_start_at(LoadCliOptions& o) {
  if (o.start_at.empty()) return std::nullopt;
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::optional<double> at;
  if (o.start_at.front() == '+') {
    if (auto d = parse_duration(std::string_view(o.start_at).substr(1)))
      at = now + std::chrono::duration<double>(*d).count();
  } else {
    at = parse_utc_iso8601(o.start_at);
  }
  if (!at)
    return "--start-at takes a UTC time like 2026-12-01T20:00:00Z or +D like +30s, not '" +
           o.start_at + "'";
  double begin = *at - std::chrono::duration<double>(o.load.warmup).count();
  if (begin < now)
    return "--start-at " + o.start_at + " is past (the load, its warm-up first, would begin " +
           std::to_string(now - begin) + " s ago)";
  if (begin > now + 86400) return "--start-at " + o.start_at + " is more than a day away";
  o.load.start_at_unix_s = *at;
  return std::nullopt;
}
}  // namespace

std::optional<std::string> read_shape(LoadCliOptions& o, const CLI::App& app) {
  auto& l = o.load;
  if (!o.think.empty()) {
    auto t = loadgen::parse_think(o.think);
    if (auto* why = std::get_if<std::string>(&t)) return "--think: " + *why;
    l.think = std::get<loadgen::ThinkTime>(t);
  }
  l.max_latency.clear();
  if (o.max_p99.count() > 0) l.max_latency.push_back({99, o.max_p99});
  for (auto [typed, into, flag] : {std::tuple{&o.max_latency, &l.max_latency, "--max-latency"},
                                   std::tuple{&o.max_service, &l.max_service, "--max-service"}})
    for (const auto& text : *typed) {
      auto r = loadgen::parse_percentile_limit(text);
      if (auto* why = std::get_if<std::string>(&r)) return std::string(flag) + ": " + *why;
      into->push_back(std::get<loadgen::PercentileLimit>(r));
    }
  if (auto why = read_start_at(o)) return why;
  if (o.stages.empty()) return std::nullopt;
  auto st = loadgen::parse_stages(o.stages);
  if (auto* why = std::get_if<std::string>(&st)) return "--stages: " + *why;
  l.stages = std::get<std::vector<loadgen::Stage>>(st);
  if (app.count("--duration") || app.count("--requests"))
    return "--stages sets the run's length (their sum): drop --duration and --requests";
  auto shape = loadgen::shape_of(l);
  auto total = std::chrono::microseconds(std::llround(shape.length_s() * 1e6));
  if (l.warmup >= total) return "--warmup must be shorter than the stages' sum";
  l.duration = total - l.warmup;
  if (l.rate > 0) return std::nullopt;
  if (l.scenario == loadgen::Scenario::counter || l.scenario == loadgen::Scenario::logout)
    return "the counter and logout scenarios keep every client to the end: --stages ramps the "
           "visit "
           "and get scenarios (or the open model's rate, with --rate)";
  if (app.count("--clients"))
    return "closed-model --stages set the clients (the largest target): drop --clients";
  if (shape.peak() < 1) return "--stages: the largest target must be at least 1 client";
  l.clients = static_cast<unsigned>(std::ceil(shape.peak()));
  return std::nullopt;
}

}  // namespace sessdemo::cli
