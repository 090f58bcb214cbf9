#include "loadgen/scenario/page_reader.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

namespace {
std::string many_inputs(int n) {
  std::string page = "<form>";
  for (int i = 0; i < n; ++i) page += "<input name=a>";
  return page + "<input name=name></form>";
}
}  // namespace

// A page refused once is refused again by its hash, without a parse: even a query that would
// take it now gets the first refusal.
TEST(PageReader, ARefusedPageIsRefusedAgainByItsHash) {
  PageReader reader;
  PageQuery q;
  q.form_fields = {"name"};
  std::string page = many_inputs(1100);
  auto first = reader.read(page, q);
  ASSERT_FALSE(first.refused.empty());
  q.max_form_fields = 5000;
  EXPECT_TRUE(scan_page(page, q).form) << "the page itself fits the wider bound";
  auto again = reader.read(page, q);
  EXPECT_EQ(again.refused, first.refused);
  EXPECT_FALSE(again.form);
  EXPECT_TRUE(reader.read("<form><input name=name></form>", q).form) << "other pages are read";
}

// Once the run ends, a parse stops at once: cancelled, not an error of the page.
TEST(PageReader, AfterStopAPageIsCancelled) {
  PageReader reader;
  PageQuery q;
  q.form_fields = {"name"};
  reader.stop();
  auto s = reader.read(many_inputs(500), q);
  EXPECT_TRUE(s.cancelled);
  EXPECT_FALSE(s.form);
}
