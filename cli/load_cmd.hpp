#pragma once
// `sessdemo load`: the load and consistency tester.
#include "loadgen/config/load_options.hpp"

namespace CLI {
class App;
}

namespace sessdemo::cli {

struct LoadCliOptions {
  loadgen::LoadOptions load;
  std::string instances;                              // as typed; parsed into load.instances
  std::chrono::microseconds max_p99{0};               // 0: no limit
  std::vector<std::string> max_latency, max_service;  // PCT=D as typed
  std::string stages, think;  // as typed; parsed into load.stages and load.think
  std::string start_at;       // as typed; into load.start_at_unix_s
  std::string metrics_bind;   // ADDR:PORT as typed; into load.metrics_host and metrics_port
  std::string log_level = "warn";
  std::string shard;  // I/N as typed; parsed into load.shard_index and shard_count
  std::vector<std::string> form_fields;   // NAME=VALUE as typed, into load.form_fields
  std::vector<std::string> login_fields;  // NAME=VALUE as typed, into load.login_fields
  std::string journey;                    // --journey FILE, read into load.journey
  std::string local_ips;  // --local-ips as typed: addresses and IPv4 ranges, into load.local_ips
};

void setup_load(CLI::App& app, LoadCliOptions& opts);
int run_load_command(LoadCliOptions& opts, const CLI::App& app);

}  // namespace sessdemo::cli
