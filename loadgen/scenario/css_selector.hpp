#pragma once
// CSS selectors as k6's and Artillery's users write them, matched against a page parsed by
// gumbo (html_document.hpp): type, *, #id, .class, [attr], [attr=v] and its ~= ^= $= *= |=
// forms, :first-child, :last-child, :nth-child(N), :not(simple), and the four combinators
// (descendant, >, +, ~), in lists (a, b). Written here: Debian has no C or C++ selector engine
// but Modest's, whose parser copies overlapping memory on hostile pages (found by this
// project's fuzz target); gumbo's is fuzzed and bounded here already.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct GumboInternalNode;

namespace sessdemo::loadgen {

class CssSelector {
 public:
  // The selector, or why it cannot be read ("'[' at 3 is not closed").
  static std::variant<CssSelector, std::string> parse(std::string_view text);

  // The first element under root, in document order, that the selector matches, or null. A
  // page whose matching would take more than `budget` steps (deep nesting against many
  // descendant combinators) gives null.
  const GumboInternalNode* first(const GumboInternalNode* root,
                                 std::uint64_t budget = 2'000'000) const;
  bool matches(const GumboInternalNode* element, std::uint64_t& budget) const;

  // One simple selector: a type, an id, a class, an attribute test or a pseudo-class.
  struct Simple {
    enum class Kind : std::uint8_t {
      type,
      id,
      cls,
      has,
      equals,
      word,
      prefix,
      suffix,
      contains,
      dash,
      first_child,
      last_child,
      nth_child
    } kind = Kind::type;
    std::string name, value;  // type or attribute name (lower case); id, class or value
    int n = 0;                // nth_child
    bool negated = false;     // inside :not()
  };
  // Simple selectors on one element, and how it relates to the compound on its left.
  struct Compound {
    std::vector<Simple> parts;
    char combinator = 0;  // ' ', '>', '+', '~'; 0 for the leftmost
  };

 private:
  std::vector<std::vector<Compound>> alternatives_;  // each: compounds, leftmost first
};

}  // namespace sessdemo::loadgen
