#pragma once
// The summary table a person reads at the end of a load run.
#include <cstdio>
#include <vector>

#include "loadgen/report/checks.hpp"

namespace sessdemo::loadgen {

void write_summary(std::FILE* out, const RunReport& r, const std::vector<Check>& checks);

}  // namespace sessdemo::loadgen
