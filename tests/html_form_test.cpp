#include "loadgen/html_form.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

namespace {
PageScan form_with(std::string_view html, std::string field = "name") {
  PageQuery q;
  q.form_fields = {std::move(field)};
  return scan_page(html, q);
}
std::vector<FormField> fields(std::initializer_list<std::pair<const char*, const char*>> l) {
  std::vector<FormField> out;
  for (auto [k, v] : l) out.push_back({k, v});
  return out;
}
}  // namespace

TEST(HtmlForm, QuotedSingleQuotedAndUnquotedAttributesWithEntities) {
  auto s = form_with(
      "<FORM Method=POST action='/save?x=1&amp;y=2'><input type=hidden name=csrf value=a&amp;b>"
      "<input type='hidden' name='t2' value='say \"hi\"'><input name=\"name\" value=\"old &lt;v&gt;\"></FORM>");
  ASSERT_TRUE(s.form);
  EXPECT_EQ(s.form->method, "POST");
  EXPECT_EQ(s.form->action, "/save?x=1&y=2");
  EXPECT_EQ(s.form->fields, fields({{"csrf", "a&b"}, {"t2", "say \"hi\""}, {"name", "old <v>"}}));
}

TEST(HtmlForm, CommentsScriptsAndTemplatesHoldNoForm) {
  auto s = form_with(
      "<!-- <form action=/c><input name=name></form> -->"
      "<script>var f = '<form action=/s><input name=name></form>';</script>"
      "<template><form action=/t><input name=name></form></template>"
      "<form action=/real><input name=name></form>");
  ASSERT_TRUE(s.form);
  EXPECT_EQ(s.form->action, "/real");
  EXPECT_EQ(s.forms_seen, 1u);
}

TEST(HtmlForm, TheFormThatHoldsTheFieldOfTwo) {
  auto s = form_with("<form action=/search><input name=q></form><form method=post action=/me><input name=name></form>");
  ASSERT_TRUE(s.form);
  EXPECT_EQ(s.form->action, "/me");
  EXPECT_FALSE(form_with("<form action=/search><input name=q></form>").form);
}

TEST(HtmlForm, SuccessfulControlsAsABrowserSubmitsThem) {
  auto s = form_with(
      "<form method=post>"
      "<input type=checkbox name=a value=1 checked><input type=checkbox name=b>"
      "<input type=radio name=r value=x><input type=radio name=r value=y checked>"
      "<input name=off value=1 disabled><fieldset disabled><input name=fs value=1></fieldset>"
      "<input type=text name=name><input name=nameless_value_is_empty>"
      "<select name=s><option>one</option><option selected value=2>two</option></select>"
      "<select name=first><option disabled>no</option><option> o  k </option></select>"
      "<textarea name=t>hello</textarea>"
      "<input type=reset name=reset><input type=button name=btn value=b>"
      "<button type=button name=nb>n</button>"
      "<input type=submit name=commit value=Save><input type=submit name=other value=Other>"
      "<datalist><input name=dl></datalist>"
      "</form>");
  ASSERT_TRUE(s.form);
  EXPECT_EQ(s.form->action, "");  // the page's own URL
  EXPECT_EQ(s.form->fields, fields({{"a", "1"},
                                    {"r", "y"},
                                    {"name", ""},
                                    {"nameless_value_is_empty", ""},
                                    {"s", "2"},
                                    {"first", "o k"},
                                    {"t", "hello"},
                                    {"commit", "Save"}}));
}

TEST(HtmlForm, ControlsOutsideTheFormByTheFormAttribute) {
  auto s = form_with("<form id=f method=post action=/x></form><input form=f name=name><input name=loose>");
  ASSERT_TRUE(s.form);
  EXPECT_EQ(s.form->fields, fields({{"name", ""}}));
}

TEST(HtmlForm, MultipartAndMeta) {
  PageQuery q;
  q.form_fields = {"name"};
  q.meta_name = "csrf-token";
  auto s = scan_page(
      "<head><meta name=CSRF-Token content='tok/+='></head><form method=post enctype=multipart/form-data>"
      "<input name=name></form>",
      q);
  ASSERT_TRUE(s.form);
  EXPECT_TRUE(s.form->multipart);
  EXPECT_EQ(s.meta, "tok/+=");
  EXPECT_EQ(multipart_fields(s.form->fields, "B"),
            "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n\r\n--B--\r\n");
}

TEST(HtmlForm, LoginFormByPassword) {
  PageQuery q;
  q.password_form = true;
  auto s = scan_page("<form action=/s><input name=q></form><form method=post action=/login><input name=u>"
                     "<input type=password name=p></form>",
                     q);
  ASSERT_TRUE(s.form);
  EXPECT_EQ(s.form->action, "/login");
}

TEST(HtmlForm, UrlEncodingAsBrowsersDo) {
  EXPECT_EQ(urlencode_fields(fields({{"a b", "x&y=z~*"}, {"é", ""}})), "a+b=x%26y%3Dz%7E*&%C3%A9=");
}

TEST(HtmlForm, ReferencesResolvedAgainstThePage) {
  EXPECT_EQ(resolve_reference("/account/edit", "update"), "/account/update");
  EXPECT_EQ(resolve_reference("/account/edit?x=1", ""), "/account/edit?x=1");
  EXPECT_EQ(resolve_reference("/a/b", "../c?d=1#frag"), "/c?d=1");
  EXPECT_EQ(resolve_reference("/a", "?q=1"), "/a?q=1");
  EXPECT_EQ(resolve_reference("/", " /with space "), "/with%20space");
  std::string other;
  EXPECT_EQ(resolve_reference("/", "https://example.test:8443/p?q", "http://127.0.0.1:1", &other), "/p?q");
  EXPECT_EQ(other, "https://example.test:8443");
  other.clear();
  EXPECT_EQ(resolve_reference("/", "http://127.0.0.1:1/x", "http://127.0.0.1:1", &other), "/x");
  EXPECT_EQ(other, "");
  EXPECT_FALSE(resolve_reference("/", "javascript:alert(1)"));
  // Found by the fuzzer: a port that is no number. Never a path without its leading '/'.
  auto odd = resolve_reference("/a/b", "https://exam0le\xdftest:8443sput?x=\xc3\xa9");
  EXPECT_TRUE(!odd || (!odd->empty() && odd->front() == '/')) << *odd;
}
