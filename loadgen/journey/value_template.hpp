#pragma once
// The values a journey writes: a template such as "{run}{client}x{seq}" or
// "{run}.{client}.{seq}@example.test", so a value passes the app's validation (a length, a
// character set, an e-mail shape) and is still recognised: the run's tag, the client and the
// write's number read back from any text of that shape. Only values of this run can be
// another visitor's data; any other text is none of the tester's.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sessdemo::loadgen {

struct ValueTemplate {
  enum class Alphabet : std::uint8_t { digits, letters };
  std::string pattern = "{run}-c{client}-w{seq}";
  Alphabet alphabet = Alphabet::digits;

  // Empty when the pattern can be written and read back, else what is wrong with it.
  static std::string check(std::string_view pattern, Alphabet alphabet);
  std::string make(std::string_view run_tag, std::uint32_t client, std::uint32_t seq) const;
  // How a number is spelled: digits, or a..z as the digits of base 26.
  static std::string spell(std::uint32_t n, Alphabet a);
  static std::optional<std::uint32_t> unspell(std::string_view s, Alphabet a);
};

// Reads a template's values of one run back (built once per run; any thread may use it).
class ValueMatcher {
 public:
  ValueMatcher(const ValueTemplate& t, std::string_view run_tag);
  ~ValueMatcher();
  ValueMatcher(ValueMatcher&&) noexcept;
  struct Parsed {
    std::uint32_t client = 0, seq = 0;
    bool operator==(const Parsed&) const = default;
  };
  // The whole text is a value of this run.
  std::optional<Parsed> parse(std::string_view text) const;
  // Every value of this run in a text, in order (at most `limit`).
  std::vector<Parsed> find_all(std::string_view text, std::size_t limit = 16) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sessdemo::loadgen
