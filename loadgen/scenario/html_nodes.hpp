#pragma once
// Reading gumbo's tree (html_form*.cpp, css_selector.cpp, locator.cpp): attributes, text, and a
// form with the controls that belong to it.
#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

#include "loadgen/scenario/html_form.hpp"

namespace sessdemo::loadgen::html_nodes {

inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

inline const char* attr(const GumboNode* n, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : nullptr;
}
inline bool has_attr(const GumboNode* n, const char* name) {
  return attr(n, name) != nullptr;
}
inline std::string attr_or(const GumboNode* n, const char* name, std::string_view fallback = {}) {
  const char* v = attr(n, name);
  return v ? std::string(v) : std::string(fallback);
}
inline std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

// The text of n and its descendants in tree order; a loop, not a recursion, whatever the depth.
void text_of(const GumboNode* n, std::string& out);
// The same with white space stripped and collapsed, as a browser shows it.
std::string collapsed_text(const GumboNode* n);

// A form element and the controls that belong to it, in tree order.
struct FoundForm {
  const GumboNode* node;
  std::vector<const GumboNode*> controls;
};

// A button or input that submits its form.
bool is_submit_button(const GumboNode* n);
// HTML's "constructing the entry list" (html_form_entries.cpp).
HtmlForm form_entries(const FoundForm& f);

}  // namespace sessdemo::loadgen::html_nodes
