// The tester's HTML reading: a page a server sends (the form it fills, a meta token, the excerpt
// a failure's log line shows) and the references it resolves (a form's action, a Location).
#include "loadgen/scenario/html_form.hpp"
#include "loadgen/scenario/page_text.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo::loadgen;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto text = sessdemo::fuzz::as_text(data, size);
  PageQuery q;
  q.form_fields = {"name", "username"};
  q.password_form = true;
  q.meta_name = "csrf-token";
  q.input_name = "csrf_token";
  PageScan scan = scan_page(text, q);
  if (scan.form) {
    FUZZ_CHECK(scan.form->method == "GET" || scan.form->method == "POST");
    FUZZ_CHECK(scan.forms_seen >= 1);
    // What is submitted encodes to bytes a request can carry.
    for (unsigned char c : urlencode_fields(scan.form->fields)) FUZZ_CHECK(c > 0x20 && c < 0x7f);
  }
  // A reference resolves to a path that starts with '/' and holds nothing a request line
  // cannot carry (no space, no control character).
  auto split = text.find('\n');
  std::string_view base = split == std::string_view::npos ? "/" : text.substr(0, split);
  std::string_view ref = split == std::string_view::npos ? text : text.substr(split + 1);
  if (base.empty() || base.front() != '/') base = "/";
  if (auto path = resolve_reference("/a/b", ref)) {
    FUZZ_CHECK(!path->empty() && path->front() == '/');
    for (unsigned char c : *path) FUZZ_CHECK(c > 0x20 && c < 0x7f);
  }
  (void)base;
  // A failure's log line: printable ASCII only, whatever the page.
  for (unsigned char c : page_excerpt(text)) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
  return 0;
}
