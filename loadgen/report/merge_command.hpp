#pragma once
// `sessdemo merge`: the shards' files read, merged (merge.hpp), refused when the shards did not
// start together, then checked, summarised and written as `load` would.
#include <string>
#include <vector>

#include "loadgen/report/merge.hpp"

namespace sessdemo::loadgen {

struct MergeOptions {
  std::vector<std::string> files;  // JSON files; "-" reads documents from stdin, one per line
  std::string csv;                 // as `load --csv`
  std::string json;                // as `load --json`
  std::string junit;               // as `load --junit`
  bool quiet = false;
};

// Shards measure the same wall-clock window only when they started together: a one-line reason
// to refuse shards whose measured starts differ by more than one interval, or "" (and, in
// warning, a line when they differ by more than a tenth of one).
std::string start_skew(const MergedRun& m, std::string& warning);
// Exit status as `load`: 0 every check held, 1 one failed, 2 the files cannot be merged (or
// read), 130 a shard was interrupted.
int run_merge(const MergeOptions& opts);

}  // namespace sessdemo::loadgen
