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

BackgroundLoad start_load(std::vector<std::string> args) {
  static int n = 0;
  auto json_path = (std::filesystem::temp_directory_path() /
                    ("sessdemo-load-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".json"))
                       .string();
  std::vector<std::string> argv{sessdemo_binary(), "load", "--json", json_path};
  argv.insert(argv.end(), args.begin(), args.end());
  return BackgroundLoad{Child(argv), json_path};
}

LoadRun BackgroundLoad::finish() {
  LoadRun r;
  r.out = proc.read_all(std::chrono::seconds(90));
  r.exit_code = proc.wait(std::chrono::seconds(30));
  std::ifstream f(json_path);
  std::stringstream ss;
  ss << f.rdbuf();
  if (!ss.str().empty()) r.json = boost::json::parse(ss.str()).as_object();
  std::filesystem::remove(json_path);
  return r;
}

LoadRun run_load(std::vector<std::string> args) { return start_load(std::move(args)).finish(); }

}  // namespace sessdemo::test
