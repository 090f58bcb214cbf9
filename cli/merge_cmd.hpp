#pragma once
// `sessdemo merge`: the JSON files of one run's shards merged into one report.
#include "loadgen/report/merge_command.hpp"

namespace CLI {
class App;
}

namespace sessdemo::cli {

void setup_merge(CLI::App& app, loadgen::MergeOptions& opts);
int run_merge_command(const loadgen::MergeOptions& opts);

}  // namespace sessdemo::cli
