#include "demo/netns.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "common/child_process.hpp"

namespace sessdemo::demo {

namespace {
constexpr const char* fault_table = "sessdemo_fault";

// Runs a command to its end with its output discarded; true when it exits 0.
bool run(const std::vector<std::string>& argv) {
  ChildProcess p(argv, "/dev/null");
  p.read_all(std::chrono::seconds(20));
  int status = p.wait(std::chrono::seconds(20));
  if (status < 0) p.terminate(std::chrono::seconds(1));
  return status == 0;
}

// Every output line of a command.
std::vector<std::string> lines_of(const std::vector<std::string>& argv) {
  ChildProcess p(argv, "/dev/null");
  std::vector<std::string> out;
  while (auto line = p.read_line(std::chrono::seconds(10))) out.push_back(*line);
  p.wait(std::chrono::seconds(10));
  return out;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::vector<std::string> nft(const NetnsHost& h, std::vector<std::string> args) {
  std::vector<std::string> argv{"nft"};
  argv.insert(argv.end(), args.begin(), args.end());
  return NetnsTopology::inside(h, argv);
}
}  // namespace

std::string NetnsTopology::missing_requirements() {
  if (geteuid() != 0)
    return "--network netns needs root (CAP_NET_ADMIN) to make network namespaces";
  if (!on_path("ip")) return "--network netns needs ip (Debian package iproute2)";
  if (!on_path("nft")) return "--network netns needs nft (Debian package nftables)";
  std::string probe = "sd-probe-" + std::to_string(getpid());
  if (!run({"ip", "netns", "add", probe}))
    return "--network netns: this kernel or container does not allow network namespaces";
  bool nft_ok = run({"ip", "netns", "exec", probe, "nft", "add", "table", "inet", fault_table});
  run({"ip", "netns", "del", probe});
  if (!nft_ok) return "--network netns: nftables does not work in a network namespace here";
  return {};
}

int NetnsTopology::remove_leftovers() {
  int removed = 0;
  for (const auto& line : lines_of({"ip", "netns", "list"})) {
    // "sd-<pid>-<host>" or "sd-<pid>-<host> (id: N)"
    std::string name = line.substr(0, line.find(' '));
    if (name.rfind("sd-", 0) != 0) continue;
    auto dash = name.find('-', 3);
    if (dash == std::string::npos || dash == 3) continue;
    std::string pid = name.substr(3, dash - 3);
    if (!std::all_of(pid.begin(), pid.end(), [](unsigned char c) { return std::isdigit(c); }))
      continue;
    if (std::filesystem::exists("/proc/" + pid)) continue;  // its demo is still running
    // The processes that run killed left in it (its memcached, instances, tester).
    for (const auto& p : lines_of({"ip", "netns", "pids", name}))
      if (!p.empty() &&
          std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); }))
        ::kill(std::stoi(p), SIGKILL);
    if (run({"ip", "netns", "del", name})) ++removed;
  }
  return removed;
}

std::vector<std::string> NetnsTopology::inside(const NetnsHost& host,
                                               std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"ip", "netns", "exec", host.ns});
  return argv;
}

NetnsTopology::NetnsTopology(unsigned nodes, unsigned instances)
    : tag_("sd-" + std::to_string(getpid())), hub_(tag_ + "-hub") {
  tester_ = {tag_ + "-tester", "198.18.0.10"};
  for (unsigned i = 0; i < instances; ++i)
    instances_.push_back(
        {tag_ + "-inst" + std::to_string(i + 1), "198.18.0." + std::to_string(21 + i)});
  for (unsigned i = 0; i < nodes; ++i)
    nodes_.push_back(
        {tag_ + "-node" + std::to_string(i + 1), "198.18.0." + std::to_string(31 + i)});
  auto must = [&](const std::vector<std::string>& argv) {
    if (!run(argv)) {
      remove_all();
      throw std::runtime_error("'" + joined(argv) + "' failed");
    }
  };
  must({"ip", "netns", "add", hub_});
  made_.push_back(hub_);
  must({"ip", "-n", hub_, "link", "add", "br0", "type", "bridge"});
  must({"ip", "-n", hub_, "link", "set", "br0", "up"});
  std::vector<const NetnsHost*> hosts{&tester_};
  for (auto& h : instances_) hosts.push_back(&h);
  for (auto& h : nodes_) hosts.push_back(&h);
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const auto& h = *hosts[i];
    must({"ip", "netns", "add", h.ns});
    made_.push_back(h.ns);
    // The pair is made with its ends already in the two namespaces: nothing appears on the
    // machine's own network, not even for a moment.
    std::string port = "p" + std::to_string(i);
    must({"ip", "link", "add", "eth0", "netns", h.ns, "type", "veth", "peer", "name", port, "netns",
          hub_});
    must({"ip", "-n", hub_, "link", "set", port, "master", "br0", "up"});
    must({"ip", "-n", h.ns, "addr", "add", h.address + "/24", "dev", "eth0"});
    must({"ip", "-n", h.ns, "link", "set", "eth0", "up"});
    must({"ip", "-n", h.ns, "link", "set", "lo", "up"});
  }
}

NetnsTopology::~NetnsTopology() {
  remove_all();
}

void NetnsTopology::remove_all() {
  // A namespace's links go with it (the veth pairs and the bridge).
  for (auto it = made_.rbegin(); it != made_.rend(); ++it) run({"ip", "netns", "del", *it});
  made_.clear();
}

// The fault table of a host: input and output chains that the rules below drop from.
bool NetnsTopology::add_fault_chains(const NetnsHost& host) {
  return run(nft(host, {"add", "table", "inet", fault_table})) &&
         run(nft(host, {"add", "chain", "inet", fault_table, "in",
                        "{ type filter hook input priority 0 ; policy accept ; }"})) &&
         run(nft(host, {"add", "chain", "inet", fault_table, "out",
                        "{ type filter hook output priority 0 ; policy accept ; }"}));
}

bool NetnsTopology::cut(const NetnsHost& host, const std::string& peer) {
  return add_fault_chains(host) &&
         run(nft(host, {"add", "rule", "inet", fault_table, "in", "ip", "saddr", peer, "drop"})) &&
         run(nft(host, {"add", "rule", "inet", fault_table, "out", "ip", "daddr", peer, "drop"}));
}

bool NetnsTopology::isolate(const NetnsHost& host) {
  return add_fault_chains(host) &&
         run(nft(host, {"add", "rule", "inet", fault_table, "in", "iifname", "eth0", "drop"})) &&
         run(nft(host, {"add", "rule", "inet", fault_table, "out", "oifname", "eth0", "drop"}));
}

bool NetnsTopology::heal(const NetnsHost& host) {
  return run(nft(host, {"delete", "table", "inet", fault_table}));
}

bool NetnsTopology::delay(const NetnsHost& host, std::chrono::milliseconds by) {
  return run(inside(host, {"tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay",
                           std::to_string(by.count()) + "ms"}));
}

bool NetnsTopology::undelay(const NetnsHost& host) {
  return run(inside(host, {"tc", "qdisc", "del", "dev", "eth0", "root"}));
}

bool NetnsTopology::netem_available() {
  if (!on_path("tc") || !delay(tester_, std::chrono::milliseconds(1))) return false;
  undelay(tester_);
  return true;
}

}  // namespace sessdemo::demo
