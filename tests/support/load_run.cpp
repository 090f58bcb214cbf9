#include "tests/support/load_run.hpp"

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/process.hpp"

namespace sessdemo::test {

std::int64_t LoadRun::total_of(const char* key) const {
  return json.at("total").as_object().at(key).to_number<std::int64_t>();
}

std::int64_t LoadRun::counter_of(const char* key) const {
  return json.at("counter").as_object().at(key).to_number<std::int64_t>();
}

LoadRun run_load(std::vector<std::string> args) {
  static int n = 0;
  auto json_path = (std::filesystem::temp_directory_path() /
                    ("sessdemo-load-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".json"))
                       .string();
  std::vector<std::string> argv{sessdemo_binary(), "load", "--json", json_path};
  argv.insert(argv.end(), args.begin(), args.end());
  Child c(argv);
  LoadRun r;
  r.out = c.read_all(std::chrono::seconds(90));
  r.exit_code = c.wait(std::chrono::seconds(30));
  std::ifstream f(json_path);
  std::stringstream ss;
  ss << f.rdbuf();
  if (!ss.str().empty()) r.json = boost::json::parse(ss.str()).as_object();
  std::filesystem::remove(json_path);
  return r;
}

}  // namespace sessdemo::test
