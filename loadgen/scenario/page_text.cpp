#include "loadgen/scenario/page_text.hpp"

#include <vector>

#include "loadgen/scenario/html_document.hpp"
#include "loadgen/scenario/html_nodes.hpp"

namespace sessdemo::loadgen {

namespace {
using namespace html_nodes;

bool names_an_error(const GumboNode* n) {
  for (const char* a : {"class", "id", "role"}) {
    std::string v = lower(attr_or(n, a));
    for (const char* word : {"error", "alert", "flash", "invalid", "danger", "warning"})
      if (v.find(word) != std::string::npos) return true;
  }
  return false;
}

bool hidden_text(GumboTag tag) {
  return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT ||
         tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_HEAD;
}
}  // namespace

std::string page_excerpt(std::string_view body, std::size_t max) {
  std::size_t start = body.find_first_not_of(" \t\r\n\f");
  if (start == std::string_view::npos || body[start] != '<') return printable(body, max);
  HtmlBounds bounds;
  bounds.max_time = std::chrono::milliseconds(20);  // a log line is not worth more
  HtmlDocument doc = HtmlDocument::parse(body, bounds);
  if (doc.failed()) return printable(body, max);
  std::vector<std::pair<std::string, std::string>> parts;  // (what, text)
  std::string first_text;
  std::vector<const GumboNode*> stack{doc.root()};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT && first_text.size() < max) {
      std::string t = n->v.text.text;
      if (t.find_first_not_of(" \t\r\n\f") != std::string::npos)
        first_text += (first_text.empty() ? "" : " ") + t;
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;
    if (n->type == GUMBO_NODE_ELEMENT) {
      GumboTag tag = n->v.element.tag;
      const char* what = tag == GUMBO_TAG_TITLE                       ? "title"
                         : tag == GUMBO_TAG_H1 || tag == GUMBO_TAG_H2 ? "heading"
                         : names_an_error(n)                          ? "error"
                                                                      : nullptr;
      if (what) {
        std::string t = collapsed_text(n);
        if (!t.empty() && parts.size() < 6) parts.emplace_back(what, std::move(t));
        continue;  // its text is said
      }
      if (hidden_text(tag)) {
        // The head's title is all a reader sees of it.
        if (tag == GUMBO_TAG_HEAD) {
          const GumboVector& kids = n->v.element.children;
          for (unsigned i = kids.length; i-- > 0;) {
            auto* k = static_cast<const GumboNode*>(kids.data[i]);
            if (k->type == GUMBO_NODE_ELEMENT && k->v.element.tag == GUMBO_TAG_TITLE)
              stack.push_back(k);
          }
        }
        continue;
      }
    }
    const GumboVector& kids =
        n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
    for (unsigned i = kids.length; i-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
  }
  std::string out;
  for (const auto& [what, text] : parts) {
    if (!out.empty()) out += "; ";
    out += what;
    out += ": ";
    out += text;
  }
  if (out.empty()) out = first_text;
  if (out.empty()) return printable(body, max);
  // Collapse what the text nodes brought, then escape for the terminal.
  std::string flat;
  for (char c : out) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (space && !flat.empty() && flat.back() == ' ') continue;
    flat += space ? ' ' : c;
  }
  return printable(flat, max);
}

}  // namespace sessdemo::loadgen
