#pragma once
// The JSON files of the shards of one run (`load --shard I/N`), read back and merged exactly:
// counters added, histograms added bucket by bucket (so percentiles come from the merged
// histograms, never averaged), intervals merged by their position. The result is checked,
// summarised and written as one process running all the clients would have.
#include <string>
#include <variant>
#include <vector>

#include "loadgen/report/report.hpp"

namespace sessdemo::loadgen {

// A run merged from its shards' documents, with the options it ran with (one process, all the
// clients). Or a one-line reason the documents cannot be merged.
struct MergedRun {
  LoadOptions opts;
  RunReport report;
  std::vector<std::pair<std::string, double>>
      starts;  // each file's measured start (unix s; 0: unknown)
};
std::variant<MergedRun, std::string> merge_documents(
    const std::vector<std::pair<std::string, std::string>>& named_texts);

}  // namespace sessdemo::loadgen
