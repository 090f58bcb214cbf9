#include "loadgen/journey/value_template.hpp"

#include <variant>

#include <boost/regex.hpp>

namespace sessdemo::loadgen {

namespace {
// The template's pieces: literal text and the three fields.
struct Piece {
  enum class Kind { text, run, client, seq } kind;
  std::string text;
};

std::variant<std::vector<Piece>, std::string> pieces_of(std::string_view p) {
  std::vector<Piece> out;
  std::string text;
  while (!p.empty()) {
    if (p.front() != '{') {
      if (p.front() == '}') return std::string("a '}' without its '{'");
      text += p.front();
      p.remove_prefix(1);
      continue;
    }
    auto close = p.find('}');
    if (close == std::string_view::npos) return std::string("a '{' without its '}'");
    std::string_view name = p.substr(1, close - 1);
    Piece::Kind k;
    if (name == "run")
      k = Piece::Kind::run;
    else if (name == "client")
      k = Piece::Kind::client;
    else if (name == "seq")
      k = Piece::Kind::seq;
    else
      return "{" + std::string(name) + "} is not a field of a value (use {run}, {client}, {seq})";
    if (!text.empty()) out.push_back({Piece::Kind::text, std::move(text)});
    text.clear();
    out.push_back({k, {}});
    p.remove_prefix(close + 1);
  }
  if (!text.empty()) out.push_back({Piece::Kind::text, std::move(text)});
  return out;
}

bool in_alphabet(char c, ValueTemplate::Alphabet a) {
  return a == ValueTemplate::Alphabet::digits ? (c >= '0' && c <= '9') : (c >= 'a' && c <= 'z');
}
}  // namespace

std::string ValueTemplate::check(std::string_view pattern, Alphabet alphabet) {
  auto parsed = pieces_of(pattern);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  const auto& pieces = std::get<std::vector<Piece>>(parsed);
  int run = 0, client = 0, seq = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    run += p.kind == Piece::Kind::run;
    client += p.kind == Piece::Kind::client;
    seq += p.kind == Piece::Kind::seq;
    bool number = p.kind == Piece::Kind::client || p.kind == Piece::Kind::seq;
    if (!number || i + 1 == pieces.size()) continue;
    const Piece& next = pieces[i + 1];
    // A number must end where the next piece begins: another number, or text starting with a
    // character of the alphabet, would make the value unreadable.
    if (next.kind == Piece::Kind::client || next.kind == Piece::Kind::seq ||
        (next.kind == Piece::Kind::text && in_alphabet(next.text.front(), alphabet)) ||
        (next.kind == Piece::Kind::run && alphabet == Alphabet::letters))
      return "{client} and {seq} need a separator after them that is not a " +
             std::string(alphabet == Alphabet::digits ? "digit" : "letter");
  }
  if (run != 1 || client != 1 || seq != 1)
    return "a value's template holds {run}, {client} and {seq} once each, so each value is "
           "this run's and names its client and write";
  return {};
}

std::string ValueTemplate::spell(std::uint32_t n, Alphabet a) {
  if (a == Alphabet::digits) return std::to_string(n);
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n != 0);
  return s;
}

std::optional<std::uint32_t> ValueTemplate::unspell(std::string_view s, Alphabet a) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::uint64_t n = 0;
  const unsigned base = a == Alphabet::digits ? 10 : 26;
  for (char c : s) {
    if (!in_alphabet(c, a)) return std::nullopt;
    n = n * base + static_cast<unsigned>(c - (a == Alphabet::digits ? '0' : 'a'));
  }
  if (n > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(n);
}

std::string ValueTemplate::make(std::string_view run_tag, std::uint32_t client,
                                std::uint32_t seq) const {
  std::string out;
  auto parsed = pieces_of(pattern);
  for (const Piece& p : std::get<std::vector<Piece>>(parsed)) switch (p.kind) {
      case Piece::Kind::text:
        out += p.text;
        break;
      case Piece::Kind::run:
        out += run_tag;
        break;
      case Piece::Kind::client:
        out += spell(client, alphabet);
        break;
      case Piece::Kind::seq:
        out += spell(seq, alphabet);
        break;
    }
  return out;
}

struct ValueMatcher::Impl {
  boost::regex re;
  ValueTemplate::Alphabet alphabet;
  int client_group = 0, seq_group = 0;
};

ValueMatcher::ValueMatcher(const ValueTemplate& t, std::string_view run_tag)
    : impl_(std::make_unique<Impl>()) {
  impl_->alphabet = t.alphabet;
  auto quote = [](std::string_view s) {
    std::string q;
    for (char c : s) {
      if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) q += '\\';
      q += c;
    }
    return q;
  };
  const char* number =
      t.alphabet == ValueTemplate::Alphabet::digits ? "([0-9]{1,9})" : "([a-z]{1,7})";
  std::string re;
  int group = 0;
  auto parsed = pieces_of(t.pattern);  // kept: the loop must not run over a temporary's parts
  for (const Piece& p : std::get<std::vector<Piece>>(parsed)) switch (p.kind) {
      case Piece::Kind::text:
        re += quote(p.text);
        break;
      case Piece::Kind::run:
        re += quote(run_tag);
        break;
      case Piece::Kind::client:
        re += number;
        impl_->client_group = ++group;
        break;
      case Piece::Kind::seq:
        re += number;
        impl_->seq_group = ++group;
        break;
    }
  impl_->re.assign(re);
}

ValueMatcher::~ValueMatcher() = default;
ValueMatcher::ValueMatcher(ValueMatcher&&) noexcept = default;

namespace {
template <class Match>
std::optional<ValueMatcher::Parsed> parsed_of(const Match& m, int client_group, int seq_group,
                                              ValueTemplate::Alphabet a) {
  auto client =
      ValueTemplate::unspell(std::string_view(m[client_group].first, m[client_group].second), a);
  auto seq = ValueTemplate::unspell(std::string_view(m[seq_group].first, m[seq_group].second), a);
  if (!client || !seq) return std::nullopt;
  return ValueMatcher::Parsed{*client, *seq};
}
}  // namespace

std::optional<ValueMatcher::Parsed> ValueMatcher::parse(std::string_view text) const {
  boost::match_results<const char*> m;
  if (!boost::regex_match(text.data(), text.data() + text.size(), m, impl_->re))
    return std::nullopt;
  return parsed_of(m, impl_->client_group, impl_->seq_group, impl_->alphabet);
}

std::vector<ValueMatcher::Parsed> ValueMatcher::find_all(std::string_view text,
                                                         std::size_t limit) const {
  std::vector<Parsed> out;
  boost::cregex_iterator it(text.data(), text.data() + text.size(), impl_->re), end;
  for (; it != end && out.size() < limit; ++it)
    if (auto p = parsed_of(*it, impl_->client_group, impl_->seq_group, impl_->alphabet))
      out.push_back(*p);
  return out;
}

}  // namespace sessdemo::loadgen
