#pragma once
// A real nginx in front of instances, configured from examples/nginx/<name>.conf with the
// instances' and its own loopback ports put in.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace sessdemo::test {

// The instances' HOST:PORT, as the upstream servers of an nginx config.
std::vector<std::string> address_list(const std::vector<Instance>& instances);

struct Nginx {
  Nginx(const std::string& example, const std::vector<std::string>& upstreams);
  ~Nginx();
  std::uint16_t port = 0;
  std::filesystem::path dir;
  Child proc;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

}  // namespace sessdemo::test
