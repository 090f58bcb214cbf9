#include "common/base64.hpp"

#include <gtest/gtest.h>

using namespace sessdemo;

TEST(Base64, MatchesTheRfcExamplesBothWays) {
  // RFC 4648, section 10.
  for (auto [plain, coded] :
       std::vector<std::pair<std::string, std::string>>{{"", ""},
                                                        {"f", "Zg=="},
                                                        {"fo", "Zm8="},
                                                        {"foo", "Zm9v"},
                                                        {"foob", "Zm9vYg=="},
                                                        {"fooba", "Zm9vYmE="},
                                                        {"foobar", "Zm9vYmFy"}}) {
    EXPECT_EQ(base64_encode(plain), coded);
    EXPECT_EQ(base64_decode(coded), plain);
  }
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

TEST(Base64, RefusesWhatIsNotBase64) {
  for (auto bad : {"Zg=", "Z===", "Zg==Zg==", "Zm9v!", "Zm 9v"})
    EXPECT_FALSE(base64_decode(bad)) << bad;
}
