#pragma once
// The load's shape and limits on the command line (part of `sessdemo load`).
#include <optional>
#include <string>

#include "cli/load_cmd.hpp"

namespace sessdemo::cli {

void add_load_shape_options(CLI::App& app, LoadCliOptions& o);  // --think, --rate, --stages
void add_limit_options(CLI::App& app, LoadCliOptions& o);       // --max-latency ... --abort-on-fail
// The typed shape and limits into o.load (--stages also sets the duration and, closed model, the
// clients); why they cannot run, for exit 2.
std::optional<std::string> read_shape(LoadCliOptions& o, const CLI::App& app);

}  // namespace sessdemo::cli
