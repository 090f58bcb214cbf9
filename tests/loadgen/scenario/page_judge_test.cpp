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
// (operation_checker_test).
TEST(PageNames, WhatAPageShows) {
  auto shown = [](const std::string& body, const char* tag) {
    auto s = shown_name(body, tag);
    return s ? std::string(*s) : std::string("(none)");
  };
  EXPECT_EQ(shown(page(make_name("rT", 7, 3)), "rT"), "rT-c7-w3");
  EXPECT_EQ(shown(page(make_name("rT", 70, 3)), "rT"), "rT-c70-w3");
  EXPECT_EQ(shown("<p " + std::string(sessdemo::page::no_name_marker) + "No name</p>", "rT"),
            "(none)");
  EXPECT_EQ(shown(page("Mallory"), "rT"), "Mallory");  // where the name belongs: someone's data
  EXPECT_EQ(shown(page(make_name("rOld", 7, 3)), "rT"), "rOld-c7-w3");  // another run's, as text
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
