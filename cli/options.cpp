#include "cli/options.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

// CLI11 is header-only; its config and help formatter classes are compiled once, here.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <CLI/Validators.hpp>

#include "common/duration.hpp"
#include "common/endpoint.hpp"

namespace sessdemo::cli {

CLI::Option* add_duration(CLI::App& app, const std::string& name, std::chrono::microseconds& target,
                          const std::string& description) {
  auto* opt = app.add_option_function<std::string>(
      name,
      [&target, name](const std::string& text) {
        auto d = parse_duration(text);
        if (!d)
          throw CLI::ValidationError(name,
                                     "'" + text + "' is not a duration (like 250ms, 30s, 20m, 8h)");
        target = *d;
      },
      description);
  opt->type_name("DURATION")->default_str(format_duration(target));
  return opt;
}

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
  std::string range = std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        std::uint64_t v = 0;
        bool digits =
            !text.empty() && text.size() <= 19 &&
            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits) v = std::stoull(text);
        if (!digits || v < min || v > max)
          return "must be a whole number from " + range + ", not '" + text + "'";
        return {};
      },
      "INT in [" + range + "]");
}

CLI::Validator finite_range(double min, double max) {
  char range[96];
  std::snprintf(range, sizeof range, "%g to %g", min, max);
  std::string text_range = range;
  return CLI::Validator(
      [min, max, text_range](std::string& text) -> std::string {
        char* end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        bool number = !text.empty() && end && *end == '\0';
        if (!number || !std::isfinite(v) || v < min || v > max)
          return "must be a number from " + text_range + ", not '" + text + "'";
        return {};
      },
      "NUMBER in [" + text_range + "]");
}

CLI::Validator endpoint_list(bool allow_url) {
  return CLI::Validator(
      [allow_url](std::string& text) -> std::string {
        auto r = parse_endpoints(text, allow_url);
        if (auto* err = std::get_if<std::string>(&r)) return *err;
        return {};
      },
      "HOST:PORT[,HOST:PORT...]");
}

CLI::Validator log_level_validator() {
  return CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"});
}

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("sessdemo");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
}

void add_verdict_limits(CLI::App& app, loadgen::LoadOptions& l, const std::string& counted) {
  app.add_option("--max-miss-rate", l.max_miss_rate, "fraction of reads allowed to miss")
      ->check(finite_range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--max-stale-rate", l.max_stale_rate, "fraction of reads allowed to be stale")
      ->check(finite_range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--max-error-rate", l.max_error_rate,
                 "fraction of " + counted + " allowed to fail")
      ->check(finite_range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--max-resurrected", l.max_resurrected,
                 "logout: reads after an acknowledged logout allowed to show the session")
      ->check(whole_number(0, std::uint64_t{1} << 50))
      ->capture_default_str();
  app.add_option("--max-lost-updates", l.max_lost_updates, "counter: lost increments allowed")
      ->check(whole_number(0, std::uint64_t{1} << 50))
      ->capture_default_str();
  app.add_option(
         "--min-crossing", l.min_crossing,
         "judged reads that must have been served by another instance than the one that took the "
         "client's latest write, or the consistency checks are unknown (default: 1% of judged "
         "reads "
         "and at least 10; 0: not required, as with --balance sticky)")
      ->check(whole_number(0, std::uint64_t{1} << 50));
}

}  // namespace sessdemo::cli
