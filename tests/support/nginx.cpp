#include "tests/support/nginx.hpp"

#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace sessdemo::test {

namespace fs = std::filesystem;

std::vector<std::string> address_list(const std::vector<Instance>& instances) {
  std::vector<std::string> out;
  for (const auto& i : instances) out.push_back(i.address());
  return out;
}

Nginx::Nginx(const std::string& example, const std::vector<std::string>& upstreams) {
  std::ifstream in(std::string(SESSDEMO_SOURCE_DIR) + "/examples/nginx/" + example + ".conf");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string conf = ss.str();
  if (conf.empty()) throw std::runtime_error("no example config " + example);
  // The example lists three upstream servers on 8081-8083 and listens on 8080.
  std::string servers;
  for (const auto& u : upstreams) servers += "    server " + u + ";\n";
  conf = std::regex_replace(conf, std::regex("(    server 127\\.0\\.0\\.1:808[1-9];\n)+"), servers);
  port = free_port();
  conf = std::regex_replace(conf, std::regex("listen 127\\.0\\.0\\.1:8080;"),
                            "listen 127.0.0.1:" + std::to_string(port) + ";");
  dir = fs::temp_directory_path() /
        ("sessdemo-nginx-" + std::to_string(getpid()) + "-" + std::to_string(port));
  fs::create_directories(dir / "logs");
  fs::create_directories(dir / "temp");
  fs::permissions(dir / "temp", fs::perms::all);  // workers may run as nobody
  std::ofstream(dir / "nginx.conf") << conf;
  proc = Child({"nginx", "-p", dir.string(), "-c", (dir / "nginx.conf").string()},
               (dir / "logs" / "stderr.log").string());
  if (!wait_for_port(port, std::chrono::seconds(10)))
    throw std::runtime_error("nginx did not start");
}

Nginx::~Nginx() {
  proc.terminate(std::chrono::seconds(5));
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace sessdemo::test
