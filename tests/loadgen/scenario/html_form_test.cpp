#include "loadgen/scenario/html_form.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

using namespace sessdemo::loadgen;

namespace {
PageScan form_with(std::string_view html, std::string field = "name") {
  PageQuery q;
  q.form_fields = {std::move(field)};
  q.bounds.max_time =
      std::chrono::seconds(60);  // what is read, not how fast (sanitizer builds are slow)
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
      "<input type='hidden' name='t2' value='say \"hi\"'><input name=\"name\" value=\"old "
      "&lt;v&gt;\"></FORM>");
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
  auto s = form_with(
      "<form action=/search><input name=q></form><form method=post action=/me><input "
      "name=name></form>");
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
  auto s = form_with(
      "<form id=f method=post action=/x></form><input form=f name=name><input name=loose>");
  ASSERT_TRUE(s.form);
  EXPECT_EQ(s.form->fields, fields({{"name", ""}}));
}

TEST(HtmlForm, MultipartAndMeta) {
  PageQuery q;
  q.form_fields = {"name"};
  q.meta_name = "csrf-token";
  auto s = scan_page(
      "<head><meta name=CSRF-Token content='tok/+='></head><form method=post "
      "enctype=multipart/form-data>"
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
  auto s = scan_page(
      "<form action=/s><input name=q></form><form method=post action=/login><input name=u>"
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
  EXPECT_EQ(resolve_reference("/", "https://example.test:8443/p?q", "http://127.0.0.1:1", &other),
            "/p?q");
  EXPECT_EQ(other, "https://example.test:8443");
  other.clear();
  EXPECT_EQ(resolve_reference("/", "http://127.0.0.1:1/x", "http://127.0.0.1:1", &other), "/x");
  EXPECT_EQ(other, "");
  // The default port written or not, the host in any case: the same origin.
  EXPECT_EQ(resolve_reference("/", "http://App.Test/x", "http://app.test:80", &other), "/x");
  EXPECT_EQ(other, "");
  EXPECT_EQ(resolve_reference("/", "https://app.test:443/x", "https://app.test", &other), "/x");
  EXPECT_EQ(other, "");
  EXPECT_EQ(resolve_reference("/", "http://app.test:443/x", "https://app.test", &other), "/x");
  EXPECT_EQ(other, "http://app.test:443");
  EXPECT_FALSE(resolve_reference("/", "javascript:alert(1)"));
  // Found by the fuzzer: a port that is no number. Never a path without its leading '/'.
  auto odd = resolve_reference("/a/b", "https://exam0le\xdftest:8443sput?x=\xc3\xa9");
  EXPECT_TRUE(!odd || (!odd->empty() && odd->front() == '/')) << *odd;
}

// Hostile pages: what parsing one may cost is bounded, and no page can crash the tester.
namespace {
std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Runs f on a thread with a 1 MiB stack: a walk that recursed once per level of a page nested
// 100,000 deep would overflow it (the tester's crash: SIGSEGV, no verdict).
template <class F>
void on_small_stack(F f) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1u << 20);
  pthread_t t;
  auto call = [](void* p) -> void* {
    (*static_cast<F*>(p))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&t, &attr, call, &f), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
}
}  // namespace

TEST(HtmlFormBounds, A100000DeepPageIsWalkedWithoutRecursion) {
  // <object> is a scope boundary, so gumbo itself nests it in linear time; the walk down to the
  // form at the bottom is what used to recurse.
  std::string page = "<form action=/deep>" + repeat("<object>", 100000) +
                     "<input name=name value=v><textarea name=t>" + "x</textarea>";
  PageQuery q;
  q.form_fields = {"name"};
  q.bounds.max_time = std::chrono::seconds(60);  // the walk is what this test is about
  PageScan s;
  on_small_stack([&] { s = scan_page(page, q); });
  ASSERT_TRUE(s.refused.empty()) << s.refused;
  ASSERT_TRUE(s.form);
  EXPECT_EQ(s.form->action, "/deep");
  EXPECT_EQ(s.form->fields, fields({{"name", "v"}, {"t", "x"}}));
}

TEST(HtmlFormBounds, APageNestedPastWhatTheParseMayCostIsRefusedNotParsed) {
  // 400,000 unclosed <div>: each start tag looks down the whole stack of open elements, so
  // gumbo would need minutes; the parse is abandoned at its time bound.
  PageQuery q;
  q.form_fields = {"name"};
  q.bounds.max_time = std::chrono::milliseconds(50);
  auto s = scan_page(repeat("<div>", 400000) + "<form><input name=name></form>", q);
  EXPECT_FALSE(s.form);
  EXPECT_NE(s.refused.find("took more than 50 ms"), std::string::npos) << s.refused;
}

TEST(HtmlFormBounds, APageThatNeedsMoreMemoryThanItsBoundIsRefused) {
  PageQuery q;
  q.form_fields = {"name"};
  q.bounds.max_heap = 1u << 20;
  q.bounds.max_time = std::chrono::seconds(60);  // the heap is what this test is about
  auto s = scan_page(repeat("<p a=1 b=2>x</p>", 20000) + "<form><input name=name></form>", q);
  EXPECT_FALSE(s.form);
  EXPECT_NE(s.refused.find("needed more than 1 MiB"), std::string::npos) << s.refused;
  // The same page within the default heap is read.
  q.bounds = {};
  q.bounds.max_time = std::chrono::seconds(60);
  s = scan_page(repeat("<p a=1 b=2>x</p>", 20000) + "<form><input name=name></form>", q);
  EXPECT_TRUE(s.refused.empty()) << s.refused;
  EXPECT_TRUE(s.form);
  q.bounds.max_bytes = 1000;
  s = scan_page(repeat("<p>", 400), q);
  EXPECT_NE(s.refused.find("1200 bytes, more than the 1000"), std::string::npos) << s.refused;
}

TEST(HtmlFormBounds, UnclosedDivsCostNoParseErrors) {
  // 8,000 unclosed <div>: gumbo copied the stack of open elements into each parse error it
  // recorded (0.5 GB); with no errors recorded the page fits in its 64 MiB heap.
  PageQuery q;
  q.form_fields = {"name"};
  q.bounds.max_heap = 16u << 20;
  q.bounds.max_time = std::chrono::seconds(30);  // the heap is what this test is about
  auto s = scan_page(repeat("<div>", 8000) + "<form><input name=name></form>", q);
  EXPECT_TRUE(s.refused.empty()) << s.refused;
  EXPECT_TRUE(s.form);
}

TEST(HtmlFormBounds, AFormPastItsFieldsOrBytesIsNotKept) {
  auto many =
      form_with("<form>" + repeat("<input name=a value=1>", 5000) + "<input name=name></form>");
  EXPECT_FALSE(many.form);
  EXPECT_NE(many.refused.find("5001 controls, more than the 1024"), std::string::npos)
      << many.refused;
  auto big = form_with("<form><input type=hidden name=blob value=" + std::string(500000, 'x') +
                       "><input name=name></form>");
  EXPECT_FALSE(big.form);
  EXPECT_NE(big.refused.find("more than the 65536"), std::string::npos) << big.refused;
  auto selected = form_with("<form><input name=name><select multiple name=s>" +
                            repeat("<option selected>o", 3000) + "</select></form>");
  EXPECT_FALSE(selected.form);
  EXPECT_NE(selected.refused.find("3001 entries"), std::string::npos) << selected.refused;
}

TEST(HtmlFormBounds, ALargeSelectIsReadInTreeOrder) {
  auto s = form_with(
      "<form><input name=name><select multiple name=m><option selected>1</option>"
      "<optgroup><option>2<option selected>3</optgroup><option selected>4</select>"
      "<select name=big>" +
      repeat("<option>o", 60000) + "<option selected value=last>x</select></form>");
  ASSERT_TRUE(s.form) << s.refused;
  EXPECT_EQ(s.form->fields,
            fields({{"name", ""}, {"m", "1"}, {"m", "3"}, {"m", "4"}, {"big", "last"}}));
}
