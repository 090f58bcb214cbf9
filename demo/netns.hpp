#pragma once
// Hosts with a network between them, for `demo --network netns`: each memcached node, each web
// instance and the tester in a Linux network namespace of its own, joined by veth pairs to one
// bridge (in a namespace of its own too, so the machine's own network sees nothing), with
// addresses from the benchmarking range 198.18.0.0/15. Faults are nftables rules and netem
// delays inside a host's namespace. Everything is named after the run (sd-<pid>-...) and removed
// by the destructor; leftovers of a run that was killed are removed by the next one.
#include <chrono>
#include <string>
#include <vector>

namespace sessdemo::demo {

struct NetnsHost {
  std::string ns;       // namespace name
  std::string address;  // its IPv4 address on the bridge
};

class NetnsTopology {
 public:
  // "" when this machine can build the topology; otherwise one line saying what is missing
  // (root, ip from iproute2, nft from nftables, network namespaces).
  static std::string missing_requirements();
  // Removes namespaces named sd-<pid>-* whose demo process is gone. Returns how many.
  static int remove_leftovers();

  // Builds the namespaces, links and addresses; throws std::runtime_error saying which command
  // failed (what was built is removed first).
  NetnsTopology(unsigned nodes, unsigned instances);
  ~NetnsTopology();
  NetnsTopology(const NetnsTopology&) = delete;
  NetnsTopology& operator=(const NetnsTopology&) = delete;

  const std::vector<NetnsHost>& nodes() const { return nodes_; }
  const std::vector<NetnsHost>& instances() const { return instances_; }
  const NetnsHost& tester() const { return tester_; }

  // argv run inside host's namespace.
  static std::vector<std::string> inside(const NetnsHost& host, std::vector<std::string> argv);

  // Drops all traffic between host and peer_address, both ways, in host's namespace (the host
  // sees timeouts, not resets).
  bool cut(const NetnsHost& host, const std::string& peer_address);
  // Drops all of host's traffic but its loopback.
  bool isolate(const NetnsHost& host);
  // Removes what cut() and isolate() added in host's namespace.
  bool heal(const NetnsHost& host);
  // Delays every packet host sends (netem); false when the kernel has no netem.
  bool delay(const NetnsHost& host, std::chrono::milliseconds by);
  bool undelay(const NetnsHost& host);
  // Whether the kernel has the netem qdisc (tried on the tester's link).
  bool netem_available();

 private:
  void remove_all();
  bool add_fault_chains(const NetnsHost& host);
  std::string tag_;
  std::string hub_;
  std::vector<NetnsHost> nodes_, instances_;
  NetnsHost tester_;
  std::vector<std::string> made_;  // namespaces created so far, removed in reverse
};

}  // namespace sessdemo::demo
