#pragma once
// Runs a whole load: checks the instances answer, raises the open-file limit, starts the worker
// threads, collects per-interval figures, stops, reports and decides the exit status.
#include "loadgen/config/load_options.hpp"

namespace sessdemo::loadgen {

// Exit status: 0 every check held, 1 a check failed, 2 the settings cannot be run here
// (open-file limit, an output file), 3 no instance answered at start, 130 interrupted by
// SIGINT or SIGTERM (after the summary of what was measured).
int run_load(const LoadOptions& opts);

}  // namespace sessdemo::loadgen
