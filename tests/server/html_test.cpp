#include "server/html.hpp"

#include <gtest/gtest.h>

#include "common/page_contract.hpp"

using namespace sessdemo;

TEST(Html, EscapesSpecialCharacters) {
  EXPECT_EQ(html::escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  EXPECT_EQ(html::escape("plain"), "plain");
}

TEST(Html, PagesEscapeNameAndInstance) {
  auto page = html::details_page("<inst>", "<b>Bob</b>", 3);
  EXPECT_EQ(page.find("<b>Bob</b>"), std::string::npos);
  EXPECT_NE(page.find(std::string(sessdemo::page::name_marker) + "&lt;b&gt;Bob&lt;/b&gt;<"),
            std::string::npos);
  EXPECT_NE(page.find(std::string(sessdemo::page::instance_marker) + "&lt;inst&gt;<"),
            std::string::npos);
  EXPECT_EQ(html::home_page("a").find("http"), std::string::npos);  // no external assets
}
