#pragma once
// Fixtures for integration tests: a real memcached and real `sessdemo serve` instances on free
// loopback ports, stopped (by their own pids) when the fixture goes away.
#include <cstdint>
#include <string>
#include <vector>

#include "common/address_probe.hpp"
#include "common/child_process.hpp"

namespace sessdemo::test {

using Child = sessdemo::ChildProcess;
inline std::uint16_t free_port() {
  return sessdemo::free_loopback_port();
}
inline bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout) {
  return sessdemo::wait_until_answers("127.0.0.1", port, timeout);
}

// A real memcached on a free loopback port.
struct Memcached {
  Memcached();
  void restart();  // after a kill: the same port, empty
  std::uint16_t port = 0;
  Child proc;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

// A real `sessdemo serve` instance; extra holds further flags.
struct Instance {
  explicit Instance(std::vector<std::string> extra);
  std::uint16_t port = 0;
  Child proc;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

// Three instances named inst-A, inst-B, inst-C, each started with flags.
std::vector<Instance> three_instances(const std::vector<std::string>& flags);
// "ADDR:PORT,ADDR:PORT,..." of the instances, for --instances.
std::string addresses(const std::vector<Instance>& instances);

std::string sessdemo_binary();

}  // namespace sessdemo::test
