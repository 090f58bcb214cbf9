// Matching a parsed selector against gumbo's tree (the reading is in css_selector.cpp): right to
// left from each element in document order, every step charged to a budget.
#include <gumbo.h>

#include "loadgen/scenario/css_selector.hpp"
#include "loadgen/scenario/html_nodes.hpp"

namespace sessdemo::loadgen {

using html_nodes::attr;
using html_nodes::iequal;
using Simple = CssSelector::Simple;
using Compound = CssSelector::Compound;

namespace {

bool is_element(const GumboNode* n) {
  return n && (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE);
}

const GumboNode* parent_element(const GumboNode* n) {
  return is_element(n->parent) ? n->parent : nullptr;
}

const GumboVector* siblings(const GumboNode* n) {
  if (!n->parent) return nullptr;
  return n->parent->type == GUMBO_NODE_DOCUMENT ? &n->parent->v.document.children
                                                : &n->parent->v.element.children;
}

// The element sibling before n (step -1) or after it (+1), or null.
const GumboNode* element_sibling(const GumboNode* n, int step) {
  const GumboVector* v = siblings(n);
  if (!v) return nullptr;
  for (long i = static_cast<long>(n->index_within_parent) + step;
       i >= 0 && i < static_cast<long>(v->length); i += step) {
    auto* s = static_cast<const GumboNode*>(v->data[i]);
    if (is_element(s)) return s;
  }
  return nullptr;
}

// Whether n is its parent's k-th element (k at most 100: a walk of at most k siblings).
bool element_at(const GumboNode* n, int k) {
  int pos = 1;
  for (const GumboNode* s = element_sibling(n, -1); s && pos <= k; s = element_sibling(s, -1))
    ++pos;
  return pos == k;
}

bool type_is(const GumboNode* n, const std::string& name) {
  if (name.empty()) return true;
  if (n->v.element.tag != GUMBO_TAG_UNKNOWN)
    return name == gumbo_normalized_tagname(n->v.element.tag);
  GumboStringPiece p = n->v.element.original_tag;
  gumbo_tag_from_original_text(&p);
  return iequal(std::string_view(p.data, p.length), name);
}

bool has_word(std::string_view list, std::string_view word) {
  if (word.empty()) return false;
  std::size_t at = 0;
  while (at < list.size()) {
    auto start = list.find_first_not_of(" \t\n\r\f", at);
    if (start == std::string_view::npos) break;
    auto end = list.find_first_of(" \t\n\r\f", start);
    if (list.substr(start, end == std::string_view::npos ? end : end - start) == word) return true;
    at = end;
  }
  return false;
}

bool simple_matches(const GumboNode* n, const Simple& s) {
  using K = Simple::Kind;
  if (s.kind == K::type) return type_is(n, s.name);
  if (s.kind == K::first_child) return !element_sibling(n, -1);
  if (s.kind == K::last_child) return !element_sibling(n, +1);
  if (s.kind == K::nth_child) return element_at(n, s.n);
  const char* v = attr(n, s.kind == K::id ? "id" : s.kind == K::cls ? "class" : s.name.c_str());
  if (!v) return false;
  std::string_view a(v), want(s.value);
  switch (s.kind) {
    case K::id:
    case K::equals:
      return a == want;
    case K::cls:
    case K::word:
      return has_word(a, want);
    case K::has:
      return true;
    case K::prefix:
      return !want.empty() && a.starts_with(want);
    case K::suffix:
      return !want.empty() && a.ends_with(want);
    case K::contains:
      return !want.empty() && a.find(want) != std::string_view::npos;
    case K::dash:
      return a == want || (a.starts_with(want) && a.size() > want.size() && a[want.size()] == '-');
    default:
      return false;
  }
}

bool compound_matches(const GumboNode* n, const Compound& c) {
  for (const Simple& s : c.parts)
    if (simple_matches(n, s) == s.negated) return false;
  return true;
}

// Compound i of the chain matches n, and the compounds left of it match as its combinator says.
bool chain_matches(const std::vector<Compound>& chain, std::size_t i, const GumboNode* n,
                   std::uint64_t& budget) {
  if (budget == 0) return false;
  --budget;
  if (!compound_matches(n, chain[i])) return false;
  if (i == 0) return true;
  switch (chain[i].combinator) {
    case '>': {
      const GumboNode* p = parent_element(n);
      return p && chain_matches(chain, i - 1, p, budget);
    }
    case '+': {
      const GumboNode* s = element_sibling(n, -1);
      return s && chain_matches(chain, i - 1, s, budget);
    }
    case '~':
      for (const GumboNode* s = element_sibling(n, -1); s && budget; s = element_sibling(s, -1))
        if (chain_matches(chain, i - 1, s, budget)) return true;
      return false;
    default:
      for (const GumboNode* a = parent_element(n); a && budget; a = parent_element(a))
        if (chain_matches(chain, i - 1, a, budget)) return true;
      return false;
  }
}

}  // namespace

bool CssSelector::matches(const GumboInternalNode* element, std::uint64_t& budget) const {
  for (const auto& chain : alternatives_)
    if (chain_matches(chain, chain.size() - 1, element, budget)) return true;
  return false;
}

const GumboInternalNode* CssSelector::first(const GumboInternalNode* root,
                                            std::uint64_t budget) const {
  // Document order, with a stack of our own: a page may nest as deep as its bounds allow.
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty() && budget > 0) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (is_element(n) && matches(n, budget)) return n;
    const GumboVector* kids = n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children
                              : is_element(n)                ? &n->v.element.children
                                                             : nullptr;
    if (!kids) continue;
    for (unsigned i = kids->length; i-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(kids->data[i]));
  }
  return nullptr;
}

}  // namespace sessdemo::loadgen
