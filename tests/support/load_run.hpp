#pragma once
// Runs `sessdemo load` as a child process and reads back its exit status, output and JSON.
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace sessdemo::test {

struct LoadRun {
  int exit_code = -1;
  std::string out;            // stdout: the summary
  boost::json::object json;   // the --json document (empty when none was written)
  std::int64_t total_of(const char* key) const;
  std::int64_t counter_of(const char* key) const;  // from the "counter" section
};

// args follow `sessdemo load`; --json is added.
LoadRun run_load(std::vector<std::string> args);

}  // namespace sessdemo::test
