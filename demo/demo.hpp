#pragma once
// `sessdemo demo`: starts memcached and web instances on loopback, runs the tester through
// each scenario (with faults where the scenario says), judges every scenario against what it
// is expected to show, and writes a side-by-side table, CSV, JSON, plots and index.html.
#include <chrono>
#include <string>
#include <vector>

#include "common/endpoint.hpp"

namespace sessdemo::demo {

struct DemoOptions {
  std::string self;                 // this binary, run as `serve` and `load` children
  unsigned instances = 3;           // web instances per scenario
  unsigned memcached_nodes = 1;     // memcached processes to start
  std::vector<Endpoint> memcached;  // running nodes to use instead of starting them
  unsigned clients = 500;           // per scenario
  std::chrono::microseconds duration =
      std::chrono::seconds(5);         // per scenario: the shortest that judges every one
  unsigned threads = 0;                // load threads (0: cores)
  std::vector<std::string> scenarios;  // subset by name; empty: all
  std::string out;                     // output folder; empty: sessdemo-out/<timestamp>
  bool open = false;                   // print the file:// address of index.html at the end
  bool history =
      false;  // each scenario's history (load --history), the faults in it as nemesis ops
  // loopback: every process on 127.0.0.1 (process faults). netns: each host in a network
  // namespace of its own, and the network scenarios (partitions); needs root, ip and nft.
  std::string network = "loopback";
};

// The scenarios `demo` knows, in the order it runs them.
std::vector<std::string> demo_scenario_names();

// 0 when every scenario met its expectation, 1 when one did not, 2 when it cannot start
// (memcached missing; for netns: not root, ip or nft missing), 130 when interrupted.
int run_demo(const DemoOptions& opts);

}  // namespace sessdemo::demo
