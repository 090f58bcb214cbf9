#pragma once
// `sessdemo load`: the load and consistency tester.
#include "loadgen/load_options.hpp"

namespace CLI {
class App;
}

namespace sessdemo::cli {

struct LoadCliOptions {
  loadgen::LoadOptions load;
  std::string instances;  // as typed; parsed into load.instances
  std::string balance = "round-robin";
  std::string scenario = "visit";
  std::string write = "form";  // form | json, into load.write
  std::chrono::microseconds max_p99{0};
  std::string log_level = "warn";
  std::string shard;  // I/N as typed; parsed into load.shard_index and shard_count
};

void setup_load(CLI::App& app, LoadCliOptions& opts);
int run_load_command(LoadCliOptions& opts, const CLI::App& app);

}  // namespace sessdemo::cli
