#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/start_line.hpp"

namespace sessdemo::test {

namespace {
// The processes a test starts (sessdemo serve, load, demo) are built with the same sanitizer as
// the test. Their reports go to files in a directory of this test process (log_path), not to a
// stderr nobody reads: any report there fails the test binary, which ctest runs once per test.
class SanitizerReports final : public ::testing::Environment {
 public:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("sessdemo-sanitizer-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    auto report = (dir_ / "report").string();
    for (const char* var : {"ASAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
      const char* had = std::getenv(var);
      std::string value = had && *had ? std::string(had) + ":" : "";
      setenv(var, (value + "log_path=" + report).c_str(), 1);
    }
  }
  void TearDown() override {
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(dir_, ec)) {
      std::ifstream in(f.path());
      std::stringstream text;
      text << in.rdbuf();
      ADD_FAILURE() << "a child process reported (" << f.path().filename().string() << "):\n"
                    << text.str().substr(0, 8000);
    }
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::filesystem::path dir_;
};
[[maybe_unused]] const auto* const sanitizer_reports =
    ::testing::AddGlobalTestEnvironment(new SanitizerReports);
}  // namespace

using namespace std::chrono;

std::string sessdemo_binary() {
  return SESSDEMO_BINARY;
}

Memcached::Memcached() {
  port = free_port();
  restart();
}

void Memcached::restart() {
  proc =
      Child(sessdemo::as_unprivileged({"memcached", "-l", "127.0.0.1", "-p", std::to_string(port),
                                       "-U", "0", "-m", "64", "-c", "4096", "-t", "2"}));
  if (!wait_for_port(port, seconds(10))) throw std::runtime_error("memcached did not start");
}

Instance::Instance(std::vector<std::string> extra) {
  std::vector<std::string> argv{sessdemo_binary(), "serve", "--port",    "0",
                                "--log-level",     "warn",  "--threads", "1",
                                "--store-threads", "4"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  proc = Child(argv);
  auto line = proc.read_line(seconds(10));
  auto address = line ? start_line::address_in(*line) : std::nullopt;
  if (!address || address->rfind("127.0.0.1:", 0) != 0)
    throw std::runtime_error("instance did not start: " + line.value_or("(no output)"));
  port = static_cast<std::uint16_t>(std::stoi(address->substr(address->rfind(':') + 1)));
}

std::vector<Instance> three_instances(const std::vector<std::string>& flags) {
  std::vector<Instance> v;
  for (std::size_t i = 0; i < 3; ++i) {
    auto f = flags;
    f.insert(f.end(), {"--id", start_line::instance_name(i)});
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
