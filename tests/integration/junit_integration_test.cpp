// --junit: load, merge and check write their checks as JUnit XML, validated against the JUnit
// schema (tests/junit/junit.xsd) by xmllint, a real XML Schema validator.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json/serialize.hpp>

#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
const std::string schema = std::string(SESSDEMO_SOURCE_DIR) + "/tests/junit/junit.xsd";

bool have_xmllint() {
  return std::system("command -v xmllint >/dev/null 2>&1") == 0;
}
bool valid(const fs::path& file) {
  std::string cmd = "xmllint --noout --schema '" + schema + "' '" + file.string() + "' 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
int run(std::vector<std::string> args) {
  args.insert(args.begin(), sessdemo_binary());
  Child c(args, "/dev/null");
  c.read_all(seconds(60));
  return c.wait(seconds(60));
}
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("sessdemo-junit-" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};
}  // namespace

TEST(JunitReport, TheSchemaRejectsWhatReportersCannotRead) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint (Debian's libxml2-utils) is not installed";
  TempDir dir;
  auto bad = dir.path / "bad.xml";
  std::ofstream(bad) << "<testsuites><testsuite name=\"x\" tests=\"1\" failures=\"0\" errors=\"0\">"
                        "<testcase name=\"no classname\" time=\"0\"/></testsuite></testsuites>\n";
  EXPECT_FALSE(valid(bad)) << "a testcase without classname must not validate";
}

TEST(JunitReport, LoadMergeAndCheckWriteValidJUnit) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint (Debian's libxml2-utils) is not installed";
  TempDir dir;
  Memcached mc;
  auto shared = three_instances({"--memcached", mc.address()});
  auto pass = dir.path / "pass.xml";
  auto r = run_load({"--instances", addresses(shared), "--clients", "10", "--duration", "1s",
                     "--junit", pass.string(), "--max-latency", "p95=10s"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(valid(pass)) << slurp(pass);
  auto text = slurp(pass);
  EXPECT_NE(text.find("failures=\"0\""), std::string::npos) << text;
  EXPECT_NE(text.find("<testcase name=\"p95 latency\" classname=\"sessdemo load\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("<property name=\"clients\" value=\"10\"/>"), std::string::npos) << text;
  // Figures in plain decimals, never 1.5E1 or 9.5E-1.
  EXPECT_NE(text.find("<property name=\"min_rate_fraction\" value=\"0.95\"/>"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("E-1\""), std::string::npos) << text;
  EXPECT_EQ(text.find("E0\""), std::string::npos) << text;

  // Memory store behind round-robin: the miss check fails, with its figure and limit.
  auto own = three_instances({"--store", "memory"});
  auto fail = dir.path / "fail.xml", json = dir.path / "fail.json", history = dir.path / "h.jsonl";
  auto f = run_load({"--instances", addresses(own), "--clients", "10", "--duration", "1s",
                     "--junit", fail.string(), "--history", history.string(), "--shard", "1/1"});
  ASSERT_EQ(f.exit_code, 1) << f.out;
  ASSERT_TRUE(valid(fail)) << slurp(fail);
  text = slurp(fail);
  EXPECT_NE(text.find("<failure message=\"miss rate: "), std::string::npos) << text;
  EXPECT_NE(text.find("limit: 0 fraction"), std::string::npos) << text;
  EXPECT_NE(text.find("<property name=\"verdict\" value=\"fail\"/>"), std::string::npos) << text;

  // merge and check take it too.
  std::ofstream(json) << boost::json::serialize(f.json) << "\n";
  auto merged = dir.path / "merged.xml", checked = dir.path / "checked.xml";
  EXPECT_EQ(run({"merge", json.string(), "--junit", merged.string(), "--quiet"}), 1);
  EXPECT_TRUE(valid(merged)) << slurp(merged);
  EXPECT_NE(slurp(merged).find("classname=\"sessdemo merge\""), std::string::npos);
  EXPECT_EQ(run({"check", history.string(), "--junit", checked.string(), "--quiet"}), 1);
  EXPECT_TRUE(valid(checked)) << slurp(checked);
  EXPECT_NE(slurp(checked).find("<failure"), std::string::npos) << slurp(checked);
}
