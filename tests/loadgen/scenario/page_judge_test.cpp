#include "loadgen/scenario/page_judge.hpp"

#include <gtest/gtest.h>

#include "common/page_contract.hpp"

using namespace sessdemo::loadgen;

namespace {
std::string page(const std::string& name) {
  return "<p class=\"value\" " + std::string(sessdemo::page::name_marker) + name + "</p>";
}
}  // namespace

// What a page shows is taken as the read's value; the one checker judges it
// (operation_checker_test). Only this run's names are values: other text is none.
TEST(PageNames, WhatAPageShows) {
  auto shown = [](const std::string& body, const char* tag, std::uint32_t client = 7) {
    auto s = shown_name(body, tag, client);
    if (s.ambiguous) return std::string("(ambiguous)");
    if (s.name) return std::string(*s.name);
    return "(none: " + std::string(s.other_text) + ")";
  };
  EXPECT_EQ(shown(page(make_name("rT", 7, 3)), "rT"), "rT-c7-w3");
  EXPECT_EQ(shown(page(make_name("rT", 70, 3)), "rT", 70), "rT-c70-w3");
  EXPECT_EQ(shown("<p " + std::string(sessdemo::page::no_name_marker) + "No name</p>", "rT"),
            "(none: )");
  // Text where the name belongs that is no name of this run: no value, never another visitor's.
  EXPECT_EQ(shown(page("Not set"), "rT"), "(none: Not set)");
  EXPECT_EQ(shown(page(make_name("rOld", 7, 3)), "rT"), "(none: rOld-c7-w3)");
  // Another client's name anywhere in the page is that client's data.
  EXPECT_EQ(shown("<p>hi rT-c8-w2</p>" + page(make_name("rT", 7, 3)), "rT"), "rT-c8-w2");
  // A flash naming the old name above the new one: ambiguous, not stale.
  EXPECT_EQ(
      shown("<div>changed from rT-c7-w2 to rT-c7-w3</div>" + page(make_name("rT", 7, 3)), "rT"),
      "(ambiguous)");
  // The same name twice is one value.
  EXPECT_EQ(shown("<title>rT-c7-w3</title>" + page(make_name("rT", 7, 3)), "rT"), "rT-c7-w3");
}

TEST(PageNames, NamesReadBack) {
  auto n = parse_name(make_name("r-x", 12, 4));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->run_tag, "r-x");
  EXPECT_EQ(n->client, 12u);
  EXPECT_EQ(n->seq, 4u);
  for (const char* bad : {"Mallory", "r-c1-w", "r-cx-w1", "-c1-w1", "r-c1-w1x"})
    EXPECT_FALSE(parse_name(bad)) << bad;
}
