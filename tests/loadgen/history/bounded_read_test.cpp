#include "loadgen/history/bounded_read.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace sessdemo::loadgen;

TEST(BoundedRead, LinesUpToTheirBoundAndNoFurther) {
  std::istringstream in("one\ntwo\r\n" + std::string(100, 'x') + "\nlast");
  std::string line;
  bool too_long = false;
  ASSERT_TRUE(read_line(in, line, 10, too_long));
  EXPECT_EQ(line, "one");
  EXPECT_FALSE(too_long);
  ASSERT_TRUE(read_line(in, line, 10, too_long));
  EXPECT_EQ(line, "two\r");
  ASSERT_TRUE(read_line(in, line, 10, too_long));
  EXPECT_TRUE(too_long);
  EXPECT_EQ(line.size(), 10u);
}

TEST(BoundedRead, OnlyRegularFilesOfTheirSize) {
  auto zero = read_bounded_file("/dev/zero", 1 << 20);
  ASSERT_TRUE(std::holds_alternative<ReadError>(zero));
  EXPECT_EQ(std::get<ReadError>(zero).message, "/dev/zero is not a regular file");
  auto dir = read_bounded_file("/", 1 << 20);
  ASSERT_TRUE(std::holds_alternative<ReadError>(dir));
  auto missing = read_bounded_file("/no/such/file", 1 << 20);
  EXPECT_EQ(std::get<ReadError>(missing).message, "cannot read /no/such/file");
}
