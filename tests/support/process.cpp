#include "tests/support/process.hpp"

#include <stdexcept>

namespace sessdemo::test {

using namespace std::chrono;

std::string sessdemo_binary() { return SESSDEMO_BINARY; }

Memcached::Memcached() {
  port = free_port();
  restart();
}

void Memcached::restart() {
  proc = Child({"memcached", "-l", "127.0.0.1", "-p", std::to_string(port), "-U", "0", "-u",
                "nobody", "-m", "64", "-c", "4096", "-t", "2"});
  if (!wait_for_port(port, seconds(10))) throw std::runtime_error("memcached did not start");
}

Instance::Instance(std::vector<std::string> extra) {
  std::vector<std::string> argv{sessdemo_binary(), "serve", "--port", "0", "--log-level", "warn",
                                "--threads", "1", "--store-threads", "4"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  proc = Child(argv);
  auto line = proc.read_line(seconds(10));
  constexpr std::string_view prefix = "listening on http://127.0.0.1:";
  if (!line || line->rfind(prefix, 0) != 0)
    throw std::runtime_error("instance did not start: " + line.value_or("(no output)"));
  port = static_cast<std::uint16_t>(std::stoi(line->substr(prefix.size())));
}

std::vector<Instance> three_instances(const std::vector<std::string>& flags) {
  std::vector<Instance> v;
  for (char id : {'A', 'B', 'C'}) {
    auto f = flags;
    f.insert(f.end(), {"--id", std::string("inst-") + id});
    v.emplace_back(f);
  }
  return v;
}

std::string addresses(const std::vector<Instance>& instances) {
  std::string s;
  for (const auto& i : instances) s += (s.empty() ? "" : ",") + i.address();
  return s;
}

}  // namespace sessdemo::test
