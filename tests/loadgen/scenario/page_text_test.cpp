#include "loadgen/scenario/page_text.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

TEST(PageText, TheTitleHeadingsAndErrorOfAPageNotItsStyles) {
  std::string page =
      "<!DOCTYPE html><html><head><meta "
      "charset=utf-8><style>body{font-family:sans-serif;margin:0}</style>"
      "<title>403 Forbidden</title><script>var x = 1;</script></head><body><nav>Home | About</nav>"
      "<h1>Access   denied</h1><div class=\"alert alert-danger\">The CSRF token\n is missing.</div>"
      "<p>Something else</p></body></html>";
  EXPECT_EQ(page_excerpt(page),
            "title: 403 Forbidden; heading: Access denied; error: The CSRF token is missing.");
}

TEST(PageText, TheFirstVisibleTextWhenThePageHasNoneOfThose) {
  EXPECT_EQ(
      page_excerpt(
          "<html><head><style>p{}</style></head><body><p>Bad   request:</p><p>name too long</p>"),
      "Bad request: name too long");
}

TEST(PageText, RawBytesEscapedWhenItIsNotHtml) {
  EXPECT_EQ(page_excerpt("SSH-2.0-OpenSSH_9.2\r\n"), "SSH-2.0-OpenSSH_9.2\\r\\n");
  EXPECT_EQ(page_excerpt("{\"error\":\"nope\"}"), "{\"error\":\"nope\"}");
  // A terminal's escape sequences never reach the terminal, from text or from a title.
  auto escaped = page_excerpt("<title>\x1b[31mred</title>");
  EXPECT_EQ(escaped.find('\x1b'), std::string::npos) << escaped;
  EXPECT_EQ(escaped.rfind("title: \\x", 0), 0u) << escaped;
  EXPECT_EQ(page_excerpt(std::string(300, 'x'), 10), "xxxxxxxxxx...");
}
