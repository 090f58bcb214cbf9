#include "loadgen/scenario/css_selector.hpp"

#include "loadgen/scenario/html_nodes.hpp"

namespace sessdemo::loadgen {

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

// A small reader over the selector's text.
struct Cursor {
  std::string_view s;
  std::size_t at = 0;
  bool done() const { return at >= s.size(); }
  char peek() const { return done() ? '\0' : s[at]; }
  bool skip_space() {
    std::size_t from = at;
    while (!done() && (s[at] == ' ' || s[at] == '\t' || s[at] == '\n')) ++at;
    return at > from;
  }
  std::string name() {
    std::size_t from = at;
    while (!done() && name_char(s[at])) ++at;
    return std::string(s.substr(from, at - from));
  }
  std::string where() const { return " at " + std::to_string(at + 1); }
};

using Simple = CssSelector::Simple;
using Compound = CssSelector::Compound;

std::string lower(std::string s) {
  return html_nodes::lower(std::move(s));
}

// [name], [name=value], [name~=value] ...
std::variant<Simple, std::string> attribute(Cursor& c) {
  Simple s;
  c.skip_space();
  s.name = lower(c.name());
  if (s.name.empty()) return "an attribute name is missing" + c.where();
  c.skip_space();
  if (c.peek() == ']') {
    ++c.at;
    s.kind = Simple::Kind::has;
    return s;
  }
  static constexpr std::pair<char, Simple::Kind> ops[] = {{'~', Simple::Kind::word},
                                                          {'^', Simple::Kind::prefix},
                                                          {'$', Simple::Kind::suffix},
                                                          {'*', Simple::Kind::contains},
                                                          {'|', Simple::Kind::dash}};
  s.kind = Simple::Kind::equals;
  for (auto [op, kind] : ops)
    if (c.peek() == op) {
      s.kind = kind;
      ++c.at;
    }
  if (c.peek() != '=') return "'=' expected" + c.where();
  ++c.at;
  c.skip_space();
  char q = c.peek();
  if (q == '"' || q == '\'') {
    auto end = c.s.find(q, c.at + 1);
    if (end == std::string_view::npos) return "a quoted value is not closed" + c.where();
    s.value = std::string(c.s.substr(c.at + 1, end - c.at - 1));
    c.at = end + 1;
  } else {
    s.value = c.name();
    if (s.value.empty()) return "an attribute value is missing" + c.where();
  }
  c.skip_space();
  if (c.peek() != ']') return "']' expected" + c.where();
  ++c.at;
  return s;
}

std::variant<Simple, std::string> pseudo(Cursor& c) {
  Simple s;
  std::string name = lower(c.name());
  if (name == "first-child") {
    s.kind = Simple::Kind::first_child;
  } else if (name == "last-child") {
    s.kind = Simple::Kind::last_child;
  } else if (name == "nth-child") {
    if (c.peek() != '(') return "':nth-child' takes (N)" + c.where();
    ++c.at;
    std::string n = c.name();
    if (n.empty() || n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos ||
        c.peek() != ')' || std::stoi(n) < 1 || std::stoi(n) > 100)
      return "':nth-child' takes a number from 1 to 100 here (N)" + c.where();
    ++c.at;
    s.kind = Simple::Kind::nth_child;
    s.n = std::stoi(n);
  } else {
    return "':" + name + "' is not a pseudo-class the tester reads" + c.where();
  }
  return s;
}

// One simple selector at the cursor (after its first character was seen to start one).
std::variant<Simple, std::string> simple(Cursor& c) {
  char ch = c.peek();
  Simple s;
  if (ch == '#' || ch == '.') {
    ++c.at;
    s.kind = ch == '#' ? Simple::Kind::id : Simple::Kind::cls;
    s.value = c.name();
    if (s.value.empty()) return std::string("a name after '") + ch + "' is missing" + c.where();
    return s;
  }
  if (ch == '[') {
    ++c.at;
    return attribute(c);
  }
  if (ch == ':') {
    ++c.at;
    if (lower(std::string(c.s.substr(c.at, 4))) == "not(") {
      c.at += 4;
      auto inner = simple(c);
      if (auto* s2 = std::get_if<Simple>(&inner)) {
        if (c.peek() != ')') return "':not(' takes one simple selector and ')'" + c.where();
        ++c.at;
        s2->negated = true;
      }
      return inner;
    }
    return pseudo(c);
  }
  if (ch == '*') {
    ++c.at;
    s.kind = Simple::Kind::type;  // an empty name: any element
    return s;
  }
  s.kind = Simple::Kind::type;
  s.name = lower(c.name());
  if (s.name.empty()) return std::string("'") + ch + "' is not part of a selector" + c.where();
  return s;
}

}  // namespace

std::variant<CssSelector, std::string> CssSelector::parse(std::string_view text) {
  if (text.size() > 1000) return std::string("a selector of more than 1000 characters");
  CssSelector sel;
  Cursor c{text};
  std::vector<Compound> chain;
  Compound cur;
  char pending = ' ';
  auto close_alternative = [&]() -> std::string {
    if (cur.parts.empty())
      return chain.empty() ? "an empty selector" + c.where()
                           : "a combinator with nothing after it" + c.where();
    chain.push_back(std::move(cur));
    cur = {};
    if (chain.size() > 16) return "more than 16 compound selectors in a row";
    sel.alternatives_.push_back(std::move(chain));
    chain.clear();
    pending = ' ';
    return {};
  };
  c.skip_space();
  while (true) {
    bool space = c.skip_space();
    if (c.done()) break;
    char ch = c.peek();
    if (ch == ',') {
      if (auto why = close_alternative(); !why.empty()) return why;
      ++c.at;
      continue;
    }
    if (ch == '>' || ch == '+' || ch == '~') {
      if (!cur.parts.empty()) {
        chain.push_back(std::move(cur));
        cur = {};
      }
      if (chain.empty()) return std::string("a selector cannot start with '") + ch + "'";
      pending = ch;
      ++c.at;
      continue;
    }
    if (space && !cur.parts.empty()) {
      chain.push_back(std::move(cur));
      cur = {};
      pending = ' ';
    }
    if (cur.parts.empty()) cur.combinator = chain.empty() ? 0 : pending;
    auto s = simple(c);
    if (auto* why = std::get_if<std::string>(&s)) return *why;
    if (cur.parts.size() >= 16) return "more than 16 simple selectors on one element";
    cur.parts.push_back(std::move(std::get<Simple>(s)));
  }
  if (auto why = close_alternative(); !why.empty()) return why;
  if (sel.alternatives_.size() > 16) return std::string("more than 16 selectors in a list");
  return sel;
}

}  // namespace sessdemo::loadgen
