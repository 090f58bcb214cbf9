#pragma once
// Helpers shared by the subcommands' option wiring: durations, endpoint lists, log set-up.
#include <CLI/App.hpp>
#include <chrono>
#include <string>

namespace sessdemo::cli {

// Adds an option that reads a duration (250ms, 30s, 20m, 8h) into target.
CLI::Option* add_duration(CLI::App& app, const std::string& name,
                          std::chrono::microseconds& target, const std::string& description);

// A validator for HOST:PORT[,HOST:PORT...] lists (http:// URLs too when allow_url).
CLI::Validator endpoint_list(bool allow_url);

// Sends logs to stderr at the given level (trace, debug, info, warn, error, off).
void setup_logging(const std::string& level);
CLI::Validator log_level_validator();

}  // namespace sessdemo::cli
