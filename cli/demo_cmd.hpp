#pragma once
// `sessdemo demo`: the whole story from one command.
#include <string>

#include "demo/demo.hpp"

namespace CLI {
class App;
}

namespace sessdemo::cli {

struct DemoCliOptions {
  demo::DemoOptions demo;
  std::string memcached;        // HOST:PORT list of running nodes, as typed
  std::string scenarios;        // comma-separated subset, as typed
  bool duration_given = false;  // --duration was on the command line (netns has a longer default)
};

void setup_demo(CLI::App& app, DemoCliOptions& opts);
int run_demo_command(DemoCliOptions& opts);

}  // namespace sessdemo::cli
