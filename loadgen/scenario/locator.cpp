#include "loadgen/scenario/locator.hpp"

#include <map>
#include <memory>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/regex.hpp>

#include "common/trim.hpp"
#include "loadgen/scenario/css_selector.hpp"
#include "loadgen/scenario/html_document.hpp"
#include "loadgen/scenario/html_nodes.hpp"

namespace sessdemo::loadgen {

namespace {

// The selector's parsed form, kept per thread by its text (a journey has a few).
std::shared_ptr<const CssSelector> selector(const std::string& text) {
  static thread_local std::map<std::string, std::shared_ptr<const CssSelector>> kept;
  auto it = kept.find(text);
  if (it != kept.end()) return it->second;
  auto parsed = CssSelector::parse(text);
  std::shared_ptr<const CssSelector> sel;
  if (auto* s = std::get_if<CssSelector>(&parsed))
    sel = std::make_shared<const CssSelector>(std::move(*s));
  if (kept.size() < 64) kept.emplace(text, sel);
  return sel;
}

// The first element the selector picks in the page, parsed within the tester's bounds: its
// text as a browser shows it, or an attribute.
std::optional<std::string> css_at(std::string_view page, const Locator& l) {
  auto sel = selector(l.expr);
  if (!sel) return std::nullopt;
  HtmlBounds bounds;
  bounds.max_bytes = max_located_page;
  auto doc = HtmlDocument::parse(page, bounds);
  if (doc.failed()) return std::nullopt;
  const GumboNode* n = sel->first(doc.root());
  if (!n) return std::nullopt;
  if (l.attr.empty()) return html_nodes::collapsed_text(n);
  const char* v = html_nodes::attr(n, html_nodes::lower(l.attr).c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::optional<std::string> json_at(std::string_view body, const std::string& pointer) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) return std::nullopt;
  auto* at = v.find_pointer(pointer, ec);
  if (ec || !at || at->is_null()) return std::nullopt;
  if (at->is_string()) return std::string(at->as_string());
  if (at->is_int64()) return std::to_string(at->as_int64());
  if (at->is_uint64()) return std::to_string(at->as_uint64());
  if (at->is_bool()) return at->as_bool() ? "true" : "false";
  return std::nullopt;  // an object, an array or a fraction is not a value the tester wrote
}

std::optional<std::string> regex_at(std::string_view body, const std::string& pattern) {
  try {
    boost::regex re(pattern);
    boost::match_results<const char*> m;
    if (!boost::regex_search(body.data(), body.data() + body.size(), m, re)) return std::nullopt;
    const auto& g = m.size() > 1 ? m[1] : m[0];
    return std::string(g.first, g.second);
  } catch (const std::exception&) {
    return std::nullopt;  // too complex for this page: missing, as the page cannot say
  }
}

}  // namespace

std::optional<std::string> locate(const Locator& l, std::string_view body, const CookieJar& jar) {
  if (l.kind != Locator::Kind::cookie && body.size() > max_located_page) return std::nullopt;
  std::optional<std::string> v;
  switch (l.kind) {
    case Locator::Kind::css:
      v = css_at(body, l);
      break;
    case Locator::Kind::json:
      v = json_at(body, l.expr);
      break;
    case Locator::Kind::regex:
      v = regex_at(body, l.expr);
      break;
    case Locator::Kind::cookie:
      if (const std::string* c = jar.find(l.expr)) v = *c;
      break;
    case Locator::Kind::page:
      v = std::string(body);
      return v;
  }
  if (!v) return v;
  std::string t(trim(*v, " \t\r\n"));
  if (t.size() > max_located_value) t.resize(max_located_value);
  return t;
}

std::string check_locator(const Locator& l) {
  switch (l.kind) {
    case Locator::Kind::css:
      if (auto parsed = CssSelector::parse(l.expr); auto* why = std::get_if<std::string>(&parsed))
        return "css '" + l.expr + "': " + *why;
      return {};
    case Locator::Kind::regex:
      try {
        boost::regex re(l.expr);
      } catch (const std::exception& e) {
        return "regex '" + l.expr + "': " + e.what();
      }
      return {};
    default:
      return {};
  }
}

}  // namespace sessdemo::loadgen
