#include "loadgen/journey/value_template.hpp"

#include <gtest/gtest.h>

namespace sessdemo::loadgen {
namespace {

TEST(ValueTemplate, WritesAndReadsBackItsValues) {
  ValueTemplate t{"{run}.{client}.{seq}", ValueTemplate::Alphabet::digits};
  EXPECT_EQ(t.make("rabc123", 18, 7), "rabc123.18.7");
  ValueMatcher m(t, "rabc123");
  auto p = m.parse("rabc123.18.7");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->client, 18u);
  EXPECT_EQ(p->seq, 7u);
  EXPECT_FALSE(m.parse("rother1.18.7"));  // another run's
  EXPECT_FALSE(m.parse("rabc123.18.7 "));
  EXPECT_FALSE(m.parse("Not set"));
}

TEST(ValueTemplate, LettersFitAFieldThatTakesNoDigits) {
  ValueTemplate t{"{run}x{client}y{seq}", ValueTemplate::Alphabet::letters};
  std::string v = t.make("run", 27, 0);
  EXPECT_EQ(v, "runxbbya");
  ValueMatcher m(t, "run");
  auto p = m.parse(v);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->client, 27u);
  EXPECT_EQ(p->seq, 0u);
}

TEST(ValueTemplate, FindsEveryValueOfTheRunInAText) {
  ValueTemplate t{"{run}-{client}-{seq}@example.test", ValueTemplate::Alphabet::digits};
  ValueMatcher m(t, "rq");
  auto all =
      m.find_all("changed from rq-3-1@example.test to rq-3-2@example.test; rz-1-1@example.test");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].seq, 1u);
  EXPECT_EQ(all[1].seq, 2u);
}

TEST(ValueTemplate, RefusesATemplateItCannotReadBack) {
  using A = ValueTemplate::Alphabet;
  EXPECT_EQ(ValueTemplate::check("{run}{client}x{seq}", A::digits), "");
  EXPECT_NE(ValueTemplate::check("{run}{client}{seq}", A::digits), "");  // 1 12 or 11 2?
  EXPECT_NE(ValueTemplate::check("{run}{client}1{seq}", A::digits), "");
  EXPECT_NE(ValueTemplate::check("{client}-{seq}", A::digits), "");  // no run: not recognised
  EXPECT_NE(ValueTemplate::check("{run}-{client}-{seq}-{user}", A::digits), "");
  EXPECT_NE(ValueTemplate::check("{run-{client}-{seq}", A::digits), "");
  EXPECT_NE(ValueTemplate::check("{run}-{client}a{seq}", A::letters), "");
}

}  // namespace
}  // namespace sessdemo::loadgen
