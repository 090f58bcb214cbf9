#include "tests/support/load_run.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>

#include "tests/support/process.hpp"

namespace sessdemo::test {

std::int64_t LoadRun::total_of(const char* key) const {
  return json.at("total").as_object().at(key).to_number<std::int64_t>();
}

std::int64_t LoadRun::counter_of(const char* key) const {
  return json.at("counter").as_object().at(key).to_number<std::int64_t>();
}

std::int64_t LoadRun::errors_of(const char* kind) const {
  return total().at("errors_by_kind").as_object().at(kind).to_number<std::int64_t>();
}

BackgroundLoad start_load(std::vector<std::string> args, bool keep_stderr) {
  static int n = 0;
  auto json_path =
      (std::filesystem::temp_directory_path() /
       ("sessdemo-load-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".json"))
          .string();
  std::vector<std::string> argv{sessdemo_binary(), "load", "--json", json_path};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string err_path = keep_stderr ? json_path + ".log" : "";
  return BackgroundLoad{Child(argv, err_path), json_path, err_path};
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
  if (!err_path.empty()) {
    std::ifstream e(err_path);
    std::stringstream es;
    es << e.rdbuf();
    r.err = es.str();
    std::filesystem::remove(err_path);
  }
  return r;
}

LoadRun run_load(std::vector<std::string> args) {
  return start_load(std::move(args)).finish();
}
LoadRun run_load_with_log(std::vector<std::string> args) {
  return start_load(std::move(args), true).finish();
}

}  // namespace sessdemo::test
