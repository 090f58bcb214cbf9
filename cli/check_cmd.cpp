#include "cli/check_cmd.hpp"

#include <CLI/App.hpp>

#include "cli/options.hpp"

namespace sessdemo::cli {

void setup_check(CLI::App& app, loadgen::CheckOptions& o) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.footer(
      "Reads the --history files of one run (JSON lines, or EDN for FILE.edn; several files are\n"
      "its shards), merged by time, and judges every key again with the checker load uses\n"
      "online: names by a register whose writes may be of unknown outcome (read-your-writes,\n"
      "monotonic reads, foreign reads, refused writes that show, resurrections after a logout;\n"
      "late writes counted apart), counters by a range (lost and phantom updates). Prints the\n"
      "counts, the checks and the first 10 anomalies with the operations that prove them.\n"
      "Exit status: 0 all checks pass, 1 a check failed or is unknown, 2 a file cannot be read,\n"
      "130 the run was interrupted.");
  app.add_option("files", o.files, "history files (- reads one from stdin)")->required();
  add_verdict_limits(app, o.limits, "operations");
  app.add_option("--junit", o.junit, "the checks as a JUnit XML report to FILE (as load's)");
  app.add_flag("--quiet,-q", o.quiet, "nothing printed unless a check fails");
}

int run_check_command(const loadgen::CheckOptions& o) {
  setup_logging("warn");
  return loadgen::run_check(o);
}

}  // namespace sessdemo::cli
