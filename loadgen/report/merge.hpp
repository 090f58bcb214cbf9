#pragma once
// `sessdemo merge`: the JSON files of the shards of one run (`load --shard I/N`), read back and
// merged exactly: counters added, histograms added bucket by bucket (so percentiles come from
// the merged histograms, never averaged), intervals merged by their position. The result is
// checked, summarised and written as one process running all the clients would have.
#include <string>
#include <variant>
#include <vector>

#include "loadgen/report/report.hpp"

namespace sessdemo::loadgen {

struct MergeOptions {
  std::vector<std::string> files;  // JSON files; "-" reads documents from stdin, one per line
  std::string csv;                 // as `load --csv`
  std::string json;                // as `load --json`
  std::string junit;               // as `load --junit`
  bool quiet = false;
};

// A run merged from its shards' documents, with the options it ran with (one process, all the
// clients). Or a one-line reason the documents cannot be merged.
struct MergedRun {
  LoadOptions opts;
  RunReport report;
  std::vector<std::pair<std::string, double>>
      starts;  // each file's measured start (unix s; 0: unknown)
};
// Shards measure the same wall-clock window only when they started together: a one-line reason
// to refuse shards whose measured starts differ by more than one interval, or "" (and, in
// warning, a line when they differ by more than a tenth of one).
std::string start_skew(const MergedRun& m, std::string& warning);
std::variant<MergedRun, std::string> merge_documents(
    const std::vector<std::pair<std::string, std::string>>& named_texts);

// Exit status as `load`: 0 every check held, 1 one failed, 2 the files cannot be merged (or
// read), 130 a shard was interrupted.
int run_merge(const MergeOptions& opts);

}  // namespace sessdemo::loadgen
