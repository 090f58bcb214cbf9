#pragma once
// `sessdemo check`: a history (load --history) judged again, alone.
#include "loadgen/report/history_check.hpp"

namespace CLI {
class App;
}

namespace sessdemo::cli {

void setup_check(CLI::App& app, loadgen::CheckOptions& opts);
int run_check_command(const loadgen::CheckOptions& opts);

}  // namespace sessdemo::cli
