#pragma once
// Runs `sessdemo load` as a child process and reads back its exit status, output and JSON.
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/child_process.hpp"

namespace sessdemo::test {

struct LoadRun {
  int exit_code = -1;
  std::string out;           // stdout: the summary
  boost::json::object json;  // the --json document (empty when none was written)
  std::int64_t total_of(const char* key) const;
  const boost::json::object& total() const { return json.at("total").as_object(); }
  std::int64_t counter_of(const char* key) const;  // from the "counter" section
};

// A load started in the background, for tests that inject a fault while it runs.
struct BackgroundLoad {
  sessdemo::ChildProcess proc;
  std::string json_path;
  LoadRun finish();  // waits for it and reads its output and JSON
};

// args follow `sessdemo load`; --json is added.
BackgroundLoad start_load(std::vector<std::string> args);
LoadRun run_load(std::vector<std::string> args);

}  // namespace sessdemo::test
