#pragma once
// Helpers shared by the two halves of ScenarioLogic: the requests it builds (scenario.cpp) and
// what it makes of the answers (scenario_answers.cpp). Not for use elsewhere.
#include <string>
#include <string_view>

namespace sessdemo::loadgen::scenario_detail {

// The end of a request's head: Content-Type and Content-Length when it has a body, the blank
// line, the body.
void end_headers(std::string& out, std::string_view body, std::string_view content_type);
// A request target without its query or fragment.
std::string_view path_only(std::string_view target);
bool idempotent_method(std::string_view method);

// The things that can be missing, each logged once per run.
enum Missing : unsigned {
  no_form = 1,
  no_field = 2,
  no_meta = 4,
  no_cookie = 8,
  no_login_form = 16,
  login_loop = 32,
  bad_location = 64,
  too_many = 128,
  lost_write = 256,
  other_origin = 512,
  page_refused = 1024,
  token_hint = 2048,
  not_a_value = 4096,
  ambiguous = 8192,
  refused_write = 16384,
  no_capture = 32768
};

}  // namespace sessdemo::loadgen::scenario_detail
