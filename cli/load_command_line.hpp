#pragma once
// What `sessdemo load` was typed, read into its options: the flags that need more than CLI11's
// parse (NAME=VALUE fields, --shard, --metrics-bind, the shape and limits) and the checks that
// refuse a command line that cannot run (exit 2, with one line saying why).
#include <optional>
#include <string>

#include "cli/load_cmd.hpp"

namespace sessdemo::cli {

// Reads the typed flags into o.load; why the command line cannot run, or nothing.
std::optional<std::string> read_load_command_line(LoadCliOptions& o, const CLI::App& app);

}  // namespace sessdemo::cli
