// A journey reads values out of pages the app under test wrote (scenario/locator.cpp): Modest's
// HTML parser and selector engine, Boost.JSON's pointers and Boost.Regex on any bytes. Beyond
// "no crash, no sanitizer report": a value found is never longer than the tester keeps, and an
// element with id "name" put first is what '#name' finds (the page's later <html id=name> or
// <body id=name> may lend its id to an element around it, as HTML5 merges their attributes).
#include <cstdio>

#include "loadgen/scenario/html_document.hpp"
#include "loadgen/scenario/locator.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;
using namespace sessdemo::loadgen;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto page = fuzz::as_text(data, size);
  CookieJar jar;
  static const Locator places[] = {
      {Locator::Kind::css, "#name", ""},
      {Locator::Kind::css, "form input[name=csrf_token]", "value"},
      {Locator::Kind::css, "main > p:first-child span.value", ""},
      {Locator::Kind::json, "/user/name", ""},
      {Locator::Kind::regex, "name: ([a-z0-9-]+)", ""},
  };
  for (const auto& l : places) {
    auto v = locate(l, page, jar);
    if (v) FUZZ_CHECK(v->size() <= max_located_value);
  }
  std::string marked = "<p id=name>fuzz-1-1</p>";
  marked += page.substr(0, 4096);
  auto v = locate(places[0], marked, jar);
  if (!v) {
    // Only a page past the tester's bounds (its time, its heap) is not searched.
    auto doc = HtmlDocument::parse(marked);
    if (!doc.failed()) std::fprintf(stderr, "parsed, yet '#name' found nothing\n");
    FUZZ_CHECK(doc.failed());
    return 0;
  }
  FUZZ_CHECK(v->find("fuzz-1-1") != std::string::npos);
  return 0;
}
