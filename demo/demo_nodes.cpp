// The memcached nodes the demo starts: on loopback ports, or one in each node namespace.
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "common/address_probe.hpp"
#include "demo/demo_run.hpp"

namespace sessdemo::demo {

namespace fs = std::filesystem;
using namespace std::chrono;

bool start_nodes(unsigned count, const fs::path& log_prefix, std::vector<ChildProcess>& procs,
                 std::vector<std::string>& addrs, const std::vector<std::string>& flags) {
  for (unsigned i = 0; i < count; ++i) {
    auto port = free_loopback_port();
    std::vector<std::string> argv{"memcached", "-l", "127.0.0.1", "-p", std::to_string(port),
                                  "-U",        "0",  "-t",        "2",  "-c",
                                  "8192",      "-m", "128"};
    argv.insert(argv.end(), flags.begin(), flags.end());  // a later -m wins
    procs.emplace_back(as_unprivileged(std::move(argv)),
                       log_prefix.string() + std::to_string(i) + ".log");
    if (!wait_until_answers("127.0.0.1", port, seconds(10))) {
      std::fprintf(stderr, "sessdemo demo: memcached did not start on port %u\n", port);
      return false;
    }
    addrs.push_back("127.0.0.1:" + std::to_string(port));
  }
  return true;
}

bool start_netns_nodes(const NetnsTopology& net, const fs::path& log_prefix,
                       std::vector<ChildProcess>& procs, std::vector<std::string>& addrs) {
  for (std::size_t i = 0; i < net.nodes().size(); ++i) {
    const auto& host = net.nodes()[i];
    procs.emplace_back(
        NetnsTopology::inside(
            host, as_unprivileged({"memcached", "-l", host.address, "-p", "11211", "-U", "0", "-t",
                                   "2", "-c", "8192", "-m", "128"})),
        log_prefix.string() + std::to_string(i) + ".log");
    addrs.push_back(host.address + ":11211");
  }
  std::this_thread::sleep_for(milliseconds(300));
  for (auto& p : procs)
    if (!p.running()) {
      std::fprintf(stderr, "sessdemo demo: memcached did not start in its namespace\n");
      return false;
    }
  return true;
}

std::string memcached_version() {
  if (!on_path("memcached")) return {};
  ChildProcess v({"memcached", "-V"}, "/dev/null");
  auto line = v.read_line(seconds(5));
  v.wait(seconds(5));
  return line ? *line : std::string();
}

}  // namespace sessdemo::demo
