#include "loadgen/scenario/css_selector.hpp"

#include <gtest/gtest.h>

#include "loadgen/scenario/html_document.hpp"
#include "loadgen/scenario/html_nodes.hpp"

namespace sessdemo::loadgen {
namespace {

// The text of the first element the selector picks, or "(none)".
std::string pick(std::string_view page, std::string_view selector) {
  auto parsed = CssSelector::parse(selector);
  if (auto* why = std::get_if<std::string>(&parsed)) return "refused: " + *why;
  auto doc = HtmlDocument::parse(page);
  const GumboNode* n = std::get<CssSelector>(parsed).first(doc.root());
  return n ? html_nodes::collapsed_text(n) : "(none)";
}

constexpr std::string_view page = R"(<html><body>
  <div class="flash notice">changed from A to B</div>
  <main id=profile>
    <p>Name: <span id="name" class="value">B</span></p>
    <ul><li>one</li><li data-kind="item-x">two</li><li lang="en-GB">three</li></ul>
    <label>Email</label><input name=email value=b@example.test><em>after</em>
  </main>
  <my-widget>custom</my-widget>
</body></html>)";

TEST(CssSelector, PicksWhatUsersWrite) {
  EXPECT_EQ(pick(page, "#name"), "B");
  EXPECT_EQ(pick(page, "span.value"), "B");
  EXPECT_EQ(pick(page, ".flash.notice"), "changed from A to B");
  EXPECT_EQ(pick(page, "main p > span"), "B");
  EXPECT_EQ(pick(page, "body > span"), "(none)");
  EXPECT_EQ(pick(page, "li:first-child"), "one");
  EXPECT_EQ(pick(page, "li:last-child"), "three");
  EXPECT_EQ(pick(page, "ul li:nth-child(2)"), "two");
  EXPECT_EQ(pick(page, "li[data-kind]"), "two");
  EXPECT_EQ(pick(page, "li[data-kind^=item]"), "two");
  EXPECT_EQ(pick(page, "li[data-kind$='-x']"), "two");
  EXPECT_EQ(pick(page, "li[data-kind*=\"m-\"]"), "two");
  EXPECT_EQ(pick(page, "li[lang|=en]"), "three");
  EXPECT_EQ(pick(page, "div[class~=notice]"), "changed from A to B");
  EXPECT_EQ(pick(page, "label + input + em"), "after");
  EXPECT_EQ(pick(page, "label ~ em"), "after");
  EXPECT_EQ(pick(page, "li:not(:first-child)"), "two");
  EXPECT_EQ(pick(page, "MY-WIDGET"), "custom");
  EXPECT_EQ(pick(page, "#nothing, #name"), "B");
  EXPECT_EQ(pick(page, "*#name"), "B");
}

TEST(CssSelector, RefusesWhatItCannotRead) {
  EXPECT_EQ(pick(page, "p[["), "refused: an attribute name is missing at 3");
  EXPECT_EQ(pick(page, "> p"), "refused: a selector cannot start with '>'");
  EXPECT_EQ(pick(page, "p >"), "refused: a combinator with nothing after it at 4");
  EXPECT_EQ(pick(page, "p:hover"), "refused: ':hover' is not a pseudo-class the tester reads at 8");
  EXPECT_EQ(pick(page, "p[a='x]"), "refused: a quoted value is not closed at 5");
  EXPECT_EQ(pick(page, ""), "refused: an empty selector at 1");
  EXPECT_EQ(pick(page, "a,,b"), "refused: an empty selector at 3");
}

TEST(CssSelector, DeepPagesAndManyCombinatorsStayWithinTheBudget) {
  std::string deep;
  for (int i = 0; i < 3000; ++i) deep += "<div>";
  deep += "<span>x</span>";
  auto doc = HtmlDocument::parse(deep);
  ASSERT_FALSE(doc.failed());
  auto parsed = CssSelector::parse("div div div div div div p");  // never matches
  const auto& sel = std::get<CssSelector>(parsed);
  EXPECT_EQ(sel.first(doc.root(), 100'000), nullptr);  // gives up: no hang
  auto span = std::get<CssSelector>(CssSelector::parse("div div span"));
  EXPECT_NE(span.first(doc.root()), nullptr);
}

}  // namespace
}  // namespace sessdemo::loadgen
