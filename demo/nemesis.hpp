#pragma once
// The demo's faults, as Jepsen's nemeses: each starts at its time and, if it lasts, stops at
// its end. The scenario says which (Fault); make_nemesis builds it over the scenario's cluster.
#include <memory>
#include <string>
#include <vector>

#include "common/child_process.hpp"
#include "demo/demo_scenarios.hpp"

namespace sessdemo::demo {

class NetnsTopology;

// What a scenario's faults act on: its processes and, in netns mode, its network.
struct Cluster {
  std::vector<ChildProcess>* instances = nullptr;  // inst-A, inst-B, ...
  std::vector<ChildProcess>* nodes = nullptr;  // the scenario's own memcached nodes, or the run's
  std::string fill_target;       // where the other user of the cache writes (fill faults)
  NetnsTopology* net = nullptr;  // --network netns
};

class Nemesis {
 public:
  virtual ~Nemesis() = default;
  virtual const char* start_name() const = 0;  // the event at its start: kill, stall, partition...
  virtual const char* stop_name() const { return "heal"; }
  virtual std::string target() const = 0;         // inst-A, node-1, inst-A/node-1
  virtual bool lasting() const { return false; }  // it has an end: stop() undoes it
  // False when the fault could not be set up (no nft, no netem).
  virtual bool start() = 0;
  virtual void stop() {}
};

// None for Fault::none.
std::unique_ptr<Nemesis> make_nemesis(Fault f, Cluster& cluster);

// Puts the fault's events into a history that load --history wrote (JSON lines), at their
// times, as Jepsen's nemesis operations: {"process":"nemesis","type":"info","f":"start"|"stop",
// "value":"kill inst-A"}; the lines are numbered again. False when the file cannot be rewritten.
bool add_nemesis_events(const std::string& history_path, const std::vector<FaultEvent>& events);

}  // namespace sessdemo::demo
