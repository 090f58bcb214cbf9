#include "loadgen/scenario/form_pool.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

namespace {
KeptForm form(std::string value, std::string action = "/") {
  KeptForm f;
  f.fields = {{"name", ""}, {"hidden", std::move(value)}};
  f.action = std::move(action);
  return f;
}
}  // namespace

TEST(FormPool, EqualFormsShareOneCopy) {
  FormPool pool;
  auto a = pool.share(form("x"));
  auto b = pool.share(form("x"));
  auto c = pool.share(form("y"));
  auto d = pool.share(form("x", "/other"));
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_NE(a.get(), d.get());
  EXPECT_EQ(*d, form("x", "/other"));
  EXPECT_EQ(pool.distinct(), 3u);
}

TEST(FormPool, KeepsAtMostItsBoundAndForgetsFormsNoClientHolds) {
  FormPool pool(2);
  auto a = pool.share(form("a"));
  auto b = pool.share(form("b"));
  auto c = pool.share(form("c"));  // both kept ones are in use: c goes unshared
  EXPECT_EQ(pool.distinct(), 2u);
  EXPECT_NE(pool.share(form("c")).get(), c.get());
  EXPECT_EQ(pool.share(form("a")).get(), a.get());
  a.reset();
  auto d = pool.share(form("d"));  // a is forgotten to make room
  EXPECT_EQ(pool.distinct(), 2u);
  EXPECT_EQ(pool.share(form("d")).get(), d.get());
  EXPECT_EQ(pool.share(form("b")).get(), b.get());
}
