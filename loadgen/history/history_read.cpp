// Reading a history's lines back: JSON lines through Boost.JSON, and the EDN subset that load
// --history writes (no Debian package reads EDN from C++).
#include "loadgen/history/history_read.hpp"

#include <charconv>

#include <boost/json.hpp>

#include "loadgen/history/history_event.hpp"
#include "loadgen/history/history_fields.hpp"

namespace sessdemo::loadgen {

namespace json = boost::json;
namespace hf = history_field;

namespace {
// The EDN that load --history writes: one map of keywords to strings, integers, nil, keywords
// and two-element vectors. (No Debian package reads EDN from C++; this reads that subset only.)
class EdnLine {
 public:
  explicit EdnLine(std::string_view s) : s_(s) {}
  std::optional<std::string> read(HistoryOp& op) {
    skip();
    if (!eat('{')) return "not an EDN map";
    for (;;) {
      skip();
      if (eat('}')) break;
      auto key = keyword();
      if (!key) return "a key that is no keyword";
      skip();
      if (*key == hf::value && peek() == '[') {
        ++i_;
        skip();
        auto k = string();
        if (!k) return ":value is not [key value]";
        op.key = *k;
        skip();
        if (auto err = scalar(op)) return err;
        skip();
        if (!eat(']')) return ":value is not [key value]";
        continue;
      }
      if (*key == hf::value) {
        if (auto err = scalar(op)) return err;
        continue;
      }
      if (peek() == ':') {
        auto v = keyword();
        if (!v) return "a bad keyword";
        if (*key == hf::type)
          op.type = *v;
        else if (*key == hf::f)
          op.f = *v;
        else if (*key == hf::process)
          op.process = hf::named_process(*v);  // :tester, :nemesis
        continue;
      }
      if (s_.substr(i_, 4) == "true" || s_.substr(i_, 5) == "false") {
        bool v = s_[i_] == 't';
        i_ += v ? 4 : 5;
        if (*key == hf::warmup) op.warmup = v;
        continue;
      }
      if (peek() == '"') {
        auto v = string();
        if (!v) return "a bad string";
        if (*key == hf::instance)
          op.instance = *v;
        else if (*key == hf::key)
          op.key = *v;
        continue;
      }
      auto n = integer();
      if (!n) return "a value that is no string, integer or keyword";
      if (*key == hf::index)
        op.index = static_cast<std::uint64_t>(*n);
      else if (*key == hf::time)
        op.time = *n;
      else if (*key == hf::process)
        op.process = *n;
      else if (*key == hf::status)
        op.status = static_cast<int>(*n);
    }
    skip();
    if (i_ != s_.size()) return "bytes after the map";
    return std::nullopt;
  }

 private:
  std::optional<std::string> scalar(HistoryOp& op) {
    if (s_.substr(i_, 3) == "nil") {
      i_ += 3;
      op.value_kind = HistoryOp::Value::null;
      return std::nullopt;
    }
    if (peek() == '"') {
      auto v = string();
      if (!v) return "a bad string";
      op.value_kind = HistoryOp::Value::text;
      op.text = *v;
      return std::nullopt;
    }
    auto n = integer();
    if (!n) return "a value that is no string, integer or nil";
    op.value_kind = HistoryOp::Value::number;
    op.number = *n;
    return std::nullopt;
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == ',' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  std::optional<std::string> keyword() {
    if (!eat(':')) return std::nullopt;
    auto start = i_;
    while (i_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '_'))
      ++i_;
    if (i_ == start) return std::nullopt;
    return std::string(s_.substr(start, i_ - start));
  }
  std::optional<std::int64_t> integer() {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s_.data() + i_, s_.data() + s_.size(), v);
    if (ec != std::errc{}) return std::nullopt;
    i_ = static_cast<std::size_t>(p - s_.data());
    return v;
  }
  std::optional<std::string> string() {
    if (!eat('"')) return std::nullopt;
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return std::nullopt;
      char e = s_[i_++];
      if (e == 'n')
        out += '\n';
      else if (e == 't')
        out += '\t';
      else if (e == 'r')
        out += '\r';
      else if (e == 'u') {
        unsigned cp = 0;
        auto [p, ec] =
            std::from_chars(s_.data() + i_, s_.data() + std::min(s_.size(), i_ + 4), cp, 16);
        if (ec != std::errc{} || p != s_.data() + i_ + 4) return std::nullopt;
        i_ += 4;
        // What the writer escapes as \u: control characters and bytes that were not UTF-8.
        if (cp < 0x100)
          out += static_cast<char>(cp);
        else
          return std::nullopt;
      } else {
        out += e;
      }
    }
    if (!eat('"')) return std::nullopt;
    return out;
  }
  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<std::string> from_json(std::string_view line, HistoryOp& op) {
  json::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return "not a JSON object";
  const auto& o = v.as_object();
  try {
    op.index = o.at(hf::index).to_number<std::uint64_t>();
    op.time = o.at(hf::time).to_number<std::int64_t>();
    const auto& p = o.at(hf::process);
    op.process = p.is_string() ? hf::named_process(p.as_string()) : p.to_number<std::int64_t>();
    op.type = std::string(o.at(hf::type).as_string());
    op.f = std::string(o.at(hf::f).as_string());
    if (const auto* k = o.if_contains(hf::key)) op.key = std::string(k->as_string());
    const auto& val = o.at(hf::value);
    if (val.is_string()) {
      op.value_kind = HistoryOp::Value::text;
      op.text = std::string(val.as_string());
    } else if (val.is_number()) {
      op.value_kind = HistoryOp::Value::number;
      op.number = val.to_number<std::int64_t>();
    } else if (!val.is_null()) {
      return "a value that is no string, number or null";
    }
    if (const auto* i = o.if_contains(hf::instance)) op.instance = std::string(i->as_string());
    if (const auto* s = o.if_contains(hf::status)) op.status = s->to_number<int>();
    if (const auto* w = o.if_contains(hf::warmup)) op.warmup = w->as_bool();
  } catch (const std::exception&) {
    return "a field missing or of the wrong type (index, time, process, type, f, value)";
  }
  return std::nullopt;
}
}  // namespace

std::variant<HistoryOp, std::string> parse_history_line(std::string_view line, bool edn) {
  HistoryOp op;
  auto err = edn ? EdnLine(line).read(op) : from_json(line, op);
  if (err) return *err;
  if (!op_type_names.parse(op.type))
    return "type '" + op.type + "' is none of " + op_type_names.list();
  if (op.process >= 0 && op.key.empty()) return "an operation without a key";
  return op;
}

}  // namespace sessdemo::loadgen
