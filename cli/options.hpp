#pragma once
// Helpers shared by the subcommands' option wiring: durations, endpoint lists, log set-up.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/App.hpp>
#include <CLI/Validators.hpp>

#include "loadgen/config/load_options.hpp"

namespace sessdemo::cli {

// Adds an option that reads a duration (250ms, 30s, 20m, 8h) into target.
CLI::Option* add_duration(CLI::App& app, const std::string& name, std::chrono::microseconds& target,
                          const std::string& description);

// An option whose values are the names of an enum: each parsed once, by the same parse
// function the JSON reader uses, into target; the help shows the names and the default.
template <class E>
CLI::Option* add_choice(CLI::App& app, const std::string& name, E& target,
                        std::optional<E> (*parse)(std::string_view), const char* (*name_of)(E),
                        std::initializer_list<E> values, const std::string& description) {
  std::vector<std::string> names;
  for (E v : values) names.emplace_back(name_of(v));
  auto* opt = app.add_option_function<std::string>(
      name, [&target, parse](const std::string& text) { target = *parse(text); }, description);
  opt->check(CLI::IsMember(names))->default_str(name_of(target));
  return opt;
}

// A whole number from min to max, with a message that says so for 5k, 1.5 or 99999.
CLI::Validator whole_number(std::uint64_t min, std::uint64_t max);

// A finite number from min to max (CLI::Range lets nan through: every comparison with it is
// false).
CLI::Validator finite_range(double min, double max);

// A validator for HOST:PORT[,HOST:PORT...] lists (http:// URLs too when allow_url).
CLI::Validator endpoint_list(bool allow_url);

// Sends logs to stderr at the given level (trace, debug, info, warn, error, off).
void setup_logging(const std::string& level);
// The limits of a verdict, as load and check take them: --max-miss-rate, --max-stale-rate,
// --max-error-rate (a fraction of `counted`), --max-resurrected, --max-lost-updates.
void add_verdict_limits(CLI::App& app, loadgen::LoadOptions& l, const std::string& counted);
CLI::Validator log_level_validator();

}  // namespace sessdemo::cli
