#pragma once
// Runs `sessdemo load` as a child process and reads back its exit status, output and JSON.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/child_process.hpp"

namespace sessdemo::test {

struct LoadRun {
  int exit_code = -1;
  std::string out;           // stdout: the summary
  std::string err;           // stderr (the log), when asked for
  boost::json::object json;  // the --json document (empty when none was written)
  std::int64_t total_of(const char* key) const;
  const boost::json::object& total() const { return json.at("total").as_object(); }
  std::int64_t counter_of(const char* key) const;  // from the "counter" section
  std::int64_t errors_of(const char* kind) const;  // total errors of one kind
};

// A load started in the background, for tests that inject a fault while it runs.
struct BackgroundLoad {
  sessdemo::ChildProcess proc;
  std::string json_path;
  std::string err_path;  // "" when stderr was not kept
  LoadRun finish();      // waits for it and reads its output and JSON
};

// args follow `sessdemo load`; --json is added.
BackgroundLoad start_load(std::vector<std::string> args, bool keep_stderr = false);
LoadRun run_load(std::vector<std::string> args);
LoadRun run_load_with_log(std::vector<std::string> args);  // stderr kept in LoadRun::err

}  // namespace sessdemo::test
