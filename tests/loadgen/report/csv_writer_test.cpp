// The CSV's columns come from one table: the header, every row's cells and the list in
// docs/load.md agree.
#include "loadgen/report/csv_writer.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

using namespace sessdemo::loadgen;

namespace {
std::string written(const std::function<void(CsvWriter&)>& write) {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  {
    CsvWriter w(f);
    write(w);
  }
  std::fclose(f);
  std::string out(buf, size);
  std::free(buf);
  return out;
}

std::size_t cells(const std::string& line) {
  return static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
}
}  // namespace

TEST(CsvWriter, EveryRowHasACellForEachColumn) {
  StatsTable t;
  t.at("inst-A").counters.requests = 4;
  t.at("inst-A").counters.error_kinds[0] = 1;
  std::string out = written([&](CsvWriter& w) {
    w.header();
    w.rows(1.0, 1.0, t, IntervalLoad{.clients = 3, .target_rps = 0, .dropped = 0});
    w.total_row(1.0, t.total(), 7);
  });
  std::istringstream lines(out);
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  ASSERT_EQ(all.size(), 4u) << out;  // the header, inst-A, all, total
  auto columns = csv_columns();
  for (const auto& l : all) EXPECT_EQ(cells(l), columns.size()) << l;
  EXPECT_EQ(all[0].substr(0, all[0].find(',')), "elapsed_s");
  EXPECT_EQ(all[1].rfind("1.000,inst-A,4,", 0), 0u) << all[1];
  EXPECT_EQ(all[3].rfind(",total,", 0), 0u) << all[3];
  EXPECT_EQ(all[3].substr(all[3].size() - 3), ",,,") << "the total row has no interval load";
}

TEST(CsvWriter, TheDocsListTheColumnsInOrder) {
  std::ifstream f(std::string(SESSDEMO_SOURCE_DIR) + "/docs/load.md");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("- `--csv FILE|-`", 0) == 0) break;
  ASSERT_FALSE(line.empty()) << "docs/load.md has no --csv item";
  std::vector<std::string> named;
  std::regex code("`([a-z0-9_]+)`");
  for (std::sregex_iterator i(line.begin(), line.end(), code), end; i != end; ++i)
    named.push_back((*i)[1]);
  // The item also names the rows `all` and `total`; the columns are the rest, in order.
  std::erase_if(named, [](const std::string& n) { return n == "all" || n == "total"; });
  EXPECT_EQ(named, csv_columns());
}
