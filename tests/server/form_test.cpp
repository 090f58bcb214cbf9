#include "server/form.hpp"

#include <gtest/gtest.h>

using namespace sessdemo;

TEST(Form, DecodesPercentAndPlus) {
  EXPECT_EQ(form_decode("a+b%20c%3C%2f"), "a b c</");
  EXPECT_EQ(form_decode("Zo%C3%AB"), "Zoë");
  EXPECT_FALSE(form_decode("%"));
  EXPECT_FALSE(form_decode("%4"));
  EXPECT_FALSE(form_decode("%zz"));
}

TEST(Form, FindsField) {
  EXPECT_EQ(form_field("name=Alice", "name").value(), "Alice");
  EXPECT_EQ(form_field("x=1&name=A+B&name=C", "name").value(), "A B");
  EXPECT_EQ(form_field("name=", "name").value(), "");
  EXPECT_EQ(form_field("name", "name").value(), "");
  EXPECT_FALSE(form_field("x=1", "name").value());
  EXPECT_FALSE(form_field("name=%G1", "name"));  // malformed body
}

TEST(Form, NameRules) {
  EXPECT_EQ(check_name("  Alice \t").name, "Alice");
  EXPECT_FALSE(check_name("").name);
  EXPECT_FALSE(check_name("   ").name);
  EXPECT_NE(check_name("   ").error.find("empty"), std::string::npos);
  EXPECT_TRUE(check_name(std::string(100, 'a')).name);
  EXPECT_FALSE(check_name(std::string(101, 'a')).name);
  // 100 two-byte characters are 100 characters, not 200.
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "ü";
  EXPECT_TRUE(check_name(umlauts).name);
  EXPECT_FALSE(check_name(umlauts + "ü").name);
  EXPECT_FALSE(check_name("\xff\xfe").name);           // not UTF-8
  EXPECT_FALSE(check_name("\xc0\xaf").name);           // overlong
  EXPECT_FALSE(check_name("\xed\xa0\x80").name);       // surrogate
  EXPECT_FALSE(check_name("a\x01").name);              // control character
  EXPECT_EQ(check_name("<script>").name, "<script>");  // escaped when shown, not refused
}

TEST(Form, InvisibleAndDirectionCharactersAndBlankNamesAreRefused) {
  for (std::string bad : {std::string("Ann\xC2\x85"),      // U+0085, a C1 control
                          std::string("Ann\xE2\x80\x8B"),  // U+200B zero-width space
                          std::string("\xE2\x80\xAE"
                                      "nnA"),  // U+202E right-to-left override
                          std::string("A\xE2\x81\xA6"
                                      "b"),  // U+2066 left-to-right isolate
                          std::string("\xEF\xBB\xBF"
                                      "Ann")}) {  // the byte order mark
    auto r = check_name(bad);
    EXPECT_FALSE(r.name) << bad;
    EXPECT_NE(r.error.find("invisible"), std::string::npos) << r.error;
  }
  for (std::string blank : {std::string("\xC2\xA0\xC2\xA0"), std::string("\xE3\x80\x80"),
                            std::string(" \xE2\x80\x83 ")}) {
    auto r = check_name(blank);
    EXPECT_FALSE(r.name);
    EXPECT_NE(r.error.find("empty"), std::string::npos) << r.error;
  }
  EXPECT_EQ(check_name("Zoë Ünal").name, "Zoë Ünal");
  EXPECT_EQ(check_name("名前 テスト").name, "名前 テスト");
}

// By the Unicode properties, not a hand list: fillers that draw nothing (Default_Ignorable) and
// the Arabic letter mark (Bidi_Control) are refused, and so is a name of blank braille only.
TEST(Form, NamesByUnicodeProperties) {
  for (std::string bad : {std::string("\xE3\x85\xA4"),              // U+3164 Hangul filler
                          std::string("\xE1\x85\x9F\xE1\x85\xA0"),  // U+115F U+1160
                          std::string("\xEF\xBE\xA0"),              // U+FFA0 halfwidth filler
                          std::string("Ann\xD8\x9C"),               // U+061C Arabic letter mark
                          std::string("A\xC2\xADnn")}) {            // U+00AD soft hyphen
    auto r = check_name(bad);
    EXPECT_FALSE(r.name) << bad;
    EXPECT_NE(r.error.find("invisible"), std::string::npos) << r.error;
  }
  auto braille = check_name("\xE2\xA0\x80\xE2\xA0\x80");  // U+2800 twice
  EXPECT_FALSE(braille.name);
  EXPECT_NE(braille.error.find("empty"), std::string::npos) << braille.error;
  EXPECT_EQ(check_name("\xE2\xA0\x81 dots").name,
            "\xE2\xA0\x81 dots");  // a braille letter is visible
}

// U+2028 and U+2029 break the line a name stands in; a pile of combining marks draws over the
// lines around it. A language's own diacritics stay.
TEST(Form, LineSeparatorsAndPiledMarksAreRefused) {
  for (std::string bad : {std::string("Ann\xE2\x80\xA8"
                                      "Bob"),
                          std::string("Ann\xE2\x80\xA9")}) {
    auto r = check_name(bad);
    EXPECT_FALSE(r.name);
    EXPECT_NE(r.error.find("line or paragraph separators"), std::string::npos) << r.error;
  }
  std::string zalgo = "Z";
  for (int i = 0; i < 99; ++i) zalgo += "\xCC\x81";  // U+0301 combining acute accent
  auto r = check_name(zalgo);
  EXPECT_FALSE(r.name);
  EXPECT_NE(r.error.find("more than 4 combining marks"), std::string::npos) << r.error;
  EXPECT_TRUE(check_name("Nguy\xE1\xBB\x85n").name);       // precomposed Vietnamese
  EXPECT_TRUE(check_name("Nguye\xCC\x82\xCC\x83n").name);  // e + circumflex + tilde, decomposed
}
