#pragma once
// What the tester reads from an HTML page the way a browser would: the form it fills in (the
// successful controls of HTML's form submission), a <meta> token. Parsed by gumbo, Google's
// HTML5 parser (Debian's libgumbo), so quoting, entities, case, comments, <script> and
// <template> contents are taken as browsers take them; no string search here.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/http/url_reference.hpp"
#include "loadgen/scenario/html_document.hpp"

namespace sessdemo::loadgen {

struct FormField {
  std::string name, value;
  bool operator==(const FormField&) const = default;
};

struct HtmlForm {
  std::string action;             // the action attribute as written; empty: the page's own URL
  std::string method = "GET";     // GET or POST (dialog and unknown methods as GET, as browsers do)
  bool multipart = false;         // enctype multipart/form-data (else urlencoded)
  std::vector<FormField> fields;  // what a browser submits, in tree order, submitter included

  // Sets the first field called name to value (or adds it); returns whether it was there.
  bool set(std::string_view name, std::string_view value);
  const FormField* find(std::string_view name) const;
};

struct PageQuery {
  // The form to fill: the one holding a control named each of these (the first that names
  // one), else the first form with a password input when password_form, else none.
  std::vector<std::string> form_fields;
  bool password_form = false;
  std::string meta_name;   // <meta name=NAME content=...>, or "" for none
  std::string input_name;  // the first <input name=NAME> anywhere (a token), or "" for none
  HtmlBounds bounds;       // what parsing the page may cost
  // What the picked form may hold: past either, the page is refused (its form not kept).
  std::size_t max_form_fields = 1024;
  std::size_t max_form_bytes = 64u << 10;
};

struct PageScan {
  std::optional<HtmlForm> form;
  std::optional<std::string> meta;   // the content of the first <meta name=meta_name>
  std::optional<std::string> input;  // the value of the first <input name=input_name>
  unsigned forms_seen = 0;           // forms on the page (for a diagnosis when none fits)
  // When no form fits: the forms there, with their inputs' names ("POST /login: user, password;
  // GET /search: q"), at most 5 forms of 12 names each.
  std::string forms_described;
  // A token the page carries that the query did not ask for, as the flag that would take it:
  // "--csrf-meta csrf-token" for <meta name="csrf-token">, "--csrf-field authenticity_token" for
  // an input named like a token; "" when none.
  std::string token_hint;
  // Why the page could not be read (a bound of PageQuery passed), or "": then nothing above
  // was taken from it, and the answer is a protocol error.
  std::string refused;
  bool cancelled = false;  // refused because the run ended (HtmlBounds::cancel): no error
  bool too_slow = false;   // refused because the parse passed HtmlBounds::max_time
};

PageScan scan_page(std::string_view html, const PageQuery& q);

// The body of a form submission: application/x-www-form-urlencoded, or multipart/form-data
// with the given boundary.
std::string urlencode_fields(const std::vector<FormField>& fields);
std::string multipart_fields(const std::vector<FormField>& fields, std::string_view boundary);
void append_form_encoded(std::string& out, std::string_view s);

}  // namespace sessdemo::loadgen
