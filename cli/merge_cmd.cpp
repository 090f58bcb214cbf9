#include "cli/merge_cmd.hpp"

#include <cstdio>

#include <CLI/App.hpp>

#include "cli/options.hpp"
#include "common/exit_status.hpp"

namespace sessdemo::cli {

void setup_merge(CLI::App& app, loadgen::MergeOptions& o) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.footer(
      "Reads the --json files of the N shards of one run (`sessdemo load --shard I/N`, the same "
      "flags\n"
      "otherwise) and reports them as one process running every client would: counters added,\n"
      "histograms added bucket by bucket, intervals merged by position, the same checks.\n"
      "Exit status: 0 all checks hold, 1 a check failed, 2 the files cannot be merged (other runs "
      "or\n"
      "settings, a shard missing or twice), 130 a shard was interrupted.");
  app.add_option("files", o.files,
                 "JSON files of the shards (- reads them from stdin, one per line)")
      ->required();
  app.add_option("--csv", o.csv,
                 "per-interval CSV to FILE (- for stdout; the summary then goes to stderr)");
  app.add_option("--json", o.json,
                 "the merged JSON to FILE (- for stdout; the summary then goes to stderr)");
  app.add_option("--junit", o.junit, "the checks as a JUnit XML report to FILE (as load's)");
  app.add_flag("--quiet,-q", o.quiet, "no summary unless a check fails");
}

int run_merge_command(const loadgen::MergeOptions& o) {
  if ((o.csv == "-") + (o.json == "-") + (o.junit == "-") > 1) {
    std::fprintf(
        stderr,
        "sessdemo merge: only one of --csv, --json and --junit can go to stdout (-); give the "
        "others a file\n");
    return exit_code::usage;
  }
  setup_logging("warn");
  return loadgen::run_merge(o);
}

}  // namespace sessdemo::cli
