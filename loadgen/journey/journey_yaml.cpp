// The journey file's YAML (docs/journeys.md), read by yaml-cpp (Debian's libyaml-cpp): every
// key known or refused with its line, so a typo is never a silently ignored part of a journey.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "common/printable.hpp"
#include "loadgen/journey/journey.hpp"
#include "loadgen/journey/users_file.hpp"
#include "loadgen/journey/yaml_json.hpp"

namespace sessdemo::loadgen {
namespace {

struct Refusal {
  int line;
  std::string what;
};

class Reader {
 public:
  explicit Reader(Journey& j) : j_(j) {}
  void journey(const YAML::Node& root);

 private:
  [[noreturn]] static void refuse(const YAML::Node& n, std::string what) {
    throw Refusal{n.Mark().line + 1, std::move(what)};
  }
  static void keys(const YAML::Node& n, std::string_view where,
                   std::initializer_list<std::string_view> known) {
    if (!n.IsMap()) refuse(n, std::string(where) + " is a mapping (key: value)");
    for (const auto& kv : n) {
      auto key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string list;
        for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        refuse(kv.first, "'" + key + "' is not a key of " + std::string(where) + " (" + list + ")");
      }
    }
  }
  static std::string text(const YAML::Node& n, std::string_view what) {
    if (!n.IsScalar()) refuse(n, std::string(what) + " is a text");
    return n.as<std::string>();
  }
  static unsigned number(const YAML::Node& n, std::string_view what, unsigned low, unsigned high) {
    std::string s = text(n, what);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < low || v > high)
      refuse(n, std::string(what) + " is a whole number from " + std::to_string(low) + " to " +
                    std::to_string(high) + ", not '" + s + "'");
    return v;
  }
  static std::vector<int> statuses(const YAML::Node& n, std::string_view what) {
    std::vector<int> out;
    if (n.IsScalar()) return {static_cast<int>(number(n, what, 100, 599))};
    if (!n.IsSequence()) refuse(n, std::string(what) + " is a status or a list of statuses");
    for (const auto& s : n) out.push_back(static_cast<int>(number(s, what, 100, 599)));
    return out;
  }
  static std::vector<std::pair<std::string, std::string>> pairs(const YAML::Node& n,
                                                                std::string_view what) {
    if (!n.IsMap()) refuse(n, std::string(what) + " is a mapping (name: value)");
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : n) out.emplace_back(kv.first.as<std::string>(), text(kv.second, what));
    return out;
  }
  static std::optional<Locator> locator(const YAML::Node& n, std::string_view where);
  Absent absent(const YAML::Node& n);
  void step(const YAML::Node& n);
  void value(const YAML::Node& n);
  std::size_t var(const std::string& name);
  void check_references(const JourneyStep& s, const YAML::Node& n,
                        const std::set<std::string>& captured) const;
  Journey& j_;
};

std::optional<Locator> Reader::locator(const YAML::Node& n, std::string_view where) {
  Locator l;
  int given = 0;
  auto take = [&](const char* key, Locator::Kind k) {
    if (!n[key]) return;
    ++given;
    l.kind = k;
    l.expr = text(n[key], key);
  };
  take("css", Locator::Kind::css);
  take("json", Locator::Kind::json);
  take("regex", Locator::Kind::regex);
  take("cookie", Locator::Kind::cookie);
  if (n["page"]) {
    ++given;
    l.kind = Locator::Kind::page;
  }
  if (n["attr"]) {
    if (l.kind != Locator::Kind::css) refuse(n["attr"], "attr goes with css");
    l.attr = text(n["attr"], "attr");
  }
  if (given > 1)
    refuse(n, std::string(where) + " names one place: css, json, regex, cookie or page");
  if (given == 0) return std::nullopt;
  if (l.kind == Locator::Kind::json && !l.expr.empty() && l.expr.front() != '/')
    refuse(n["json"], "a JSON pointer starts with '/' (RFC 6901): '/" + l.expr + "'");
  if (l.expr.empty() && l.kind != Locator::Kind::page)
    refuse(n, std::string(where) + ": an empty place");
  return l;
}

Absent Reader::absent(const YAML::Node& n) {
  keys(n, "absent", {"text", "status", "redirect"});
  Absent a;
  if (auto t = n["text"]) {
    if (t.IsSequence())
      for (const auto& e : t) a.texts.push_back(text(e, "absent text"));
    else
      a.texts.push_back(text(t, "absent text"));
  }
  if (n["status"]) a.statuses = statuses(n["status"], "absent status");
  if (n["redirect"]) a.redirect = text(n["redirect"], "absent redirect");
  return a;
}

std::size_t Reader::var(const std::string& name) {
  auto it = std::find(j_.vars.begin(), j_.vars.end(), name);
  if (it != j_.vars.end()) return static_cast<std::size_t>(it - j_.vars.begin());
  j_.vars.push_back(name);
  return j_.vars.size() - 1;
}

void Reader::step(const YAML::Node& n) {
  keys(n, "a step",
       {"get", "post", "put", "patch", "delete", "headers", "form", "json", "write", "logout",
        "read", "absent", "ack", "capture", "recapture_on", "once", "repeat", "follow"});
  JourneyStep s;
  s.line = n.Mark().line + 1;
  s.recapture_on = {400, 403, 419, 422};
  int methods = 0;
  for (const char* m : {"get", "post", "put", "patch", "delete"})
    if (n[m]) {
      ++methods;
      s.method = m;
      std::transform(s.method.begin(), s.method.end(), s.method.begin(), ::toupper);
      s.path = text(n[m], "a step's path");
    }
  if (methods != 1) refuse(n, "a step names one request: get, post, put, patch or delete: PATH");
  if (s.path.empty() || s.path.front() != '/')
    refuse(n, "a step's path starts with '/': " + s.path);
  if (n["headers"]) s.headers = pairs(n["headers"], "headers");
  if (n["form"] && n["json"]) refuse(n, "a step sends a form or JSON, not both");
  if (n["form"]) {
    s.body = JourneyStep::Body::form;
    s.form = pairs(n["form"], "form");
  }
  if (n["json"]) {
    s.body = JourneyStep::Body::json;
    s.json = yaml_to_json(n["json"]);
  }
  if (n["write"]) s.writes = n["write"].as<bool>();
  if (n["logout"]) s.logout = n["logout"].as<bool>();
  if (s.logout && (s.writes || n["read"])) refuse(n, "a logout step neither writes nor reads");
  if (n["read"]) {
    keys(n["read"], "read", {"css", "json", "regex", "cookie", "page", "attr"});
    s.read = locator(n["read"], "read");
    if (!s.read) refuse(n["read"], "read names where: css, json, regex, cookie or page");
  }
  if (n["absent"]) {
    if (!s.read) refuse(n["absent"], "absent goes with read");
    s.absent = absent(n["absent"]);
  }
  if (auto a = n["ack"]) {
    if (!s.writes && !s.logout) refuse(a, "ack goes with write: true or logout: true");
    keys(a, "ack", {"status", "shows", "redirect"});
    if (a["redirect"]) s.ack.redirect = text(a["redirect"], "ack redirect");
    if (a["status"]) s.ack.statuses = statuses(a["status"], "ack status");
    if (a["shows"]) {
      keys(a["shows"], "shows", {"css", "json", "regex", "cookie", "page", "attr"});
      s.ack.shows = locator(a["shows"], "shows");
    }
  }
  if (auto c = n["capture"]) {
    if (!c.IsMap()) refuse(c, "capture is a mapping (variable: {css|json|regex|cookie: ...})");
    for (const auto& kv : c) {
      auto name = kv.first.as<std::string>();
      if (name == "value" || name == "client" || name == "seq" || name == "run")
        refuse(kv.first, "{" + name + "} is the tester's own; name the variable otherwise");
      keys(kv.second, "a capture", {"css", "json", "regex", "cookie", "attr"});
      auto at = locator(kv.second, "a capture");
      if (!at) refuse(kv.second, "a capture names where: css, json, regex or cookie");
      s.captures.push_back({var(name), *at});
    }
  }
  if (n["recapture_on"]) s.recapture_on = statuses(n["recapture_on"], "recapture_on");
  if (n["once"]) s.once = n["once"].as<bool>();
  if (n["repeat"]) s.repeat = number(n["repeat"], "repeat", 1, 1000);
  if (n["follow"]) s.follow = n["follow"].as<bool>();
  if (s.writes && s.read) refuse(n, "a step writes or reads, not both (read it back in the next)");
  j_.steps.push_back(std::move(s));
}

// Every {reference} of a step names the tester's own or a variable captured by then.
void Reader::check_references(const JourneyStep& s, const YAML::Node& n,
                              const std::set<std::string>& captured) const {
  auto look = [&](std::string_view t) {
    for (const auto& name : references_in(t)) {
      if (name == "client" || name == "seq" || name == "run") continue;
      if (name.rfind("user.", 0) == 0) {
        if (j_.users.empty()) refuse(n, "{" + name + "} needs users: FILE (a CSV of users)");
        if (!j_.user_cell(0, name.substr(5)))
          refuse(n, "{" + name + "}: the users file has no column " + name.substr(5));
        continue;
      }
      if (name == "value") {
        if (!s.writes) refuse(n, "{value} is sent by a step with write: true");
        continue;
      }
      if (!captured.count(name))
        refuse(n, "{" + name + "} is not captured by this step or one before it");
    }
  };
  look(s.path);
  look(s.json);
  for (const auto& [k, v] : s.headers) look(v);
  for (const auto& [k, v] : s.form) look(v);
}

void Reader::value(const YAML::Node& n) {
  if (n.IsScalar()) {
    j_.value.pattern = n.as<std::string>();
  } else {
    keys(n, "value", {"template", "alphabet"});
    if (n["template"]) j_.value.pattern = text(n["template"], "value template");
    if (auto a = n["alphabet"]) {
      auto s = text(a, "alphabet");
      if (s == "digits")
        j_.value.alphabet = ValueTemplate::Alphabet::digits;
      else if (s == "letters")
        j_.value.alphabet = ValueTemplate::Alphabet::letters;
      else
        refuse(a, "alphabet is digits or letters, not '" + s + "'");
    }
  }
  if (auto why = ValueTemplate::check(j_.value.pattern, j_.value.alphabet); !why.empty())
    refuse(n, "value '" + j_.value.pattern + "': " + why);
}

void Reader::journey(const YAML::Node& root) {
  keys(root, "a journey", {"value", "capture_lifetime", "users", "steps"});
  if (auto u = root["users"]) {
    auto table = read_users_file(text(u, "users"), j_.source);
    if (auto* why = std::get_if<std::string>(&table)) refuse(u, "users: " + *why);
    j_.user_columns = std::move(std::get<UsersFile>(table).columns);
    j_.users = std::move(std::get<UsersFile>(table).rows);
  }
  if (root["value"]) value(root["value"]);
  if (auto l = root["capture_lifetime"])
    j_.capture_lifetime = std::chrono::seconds(number(l, "capture_lifetime (seconds)", 1, 86400));
  auto steps = root["steps"];
  if (!steps || !steps.IsSequence() || steps.size() == 0)
    refuse(root, "a journey has steps: a list of requests");
  for (const auto& s : steps) step(s);
  std::set<std::string> captured;
  for (std::size_t i = 0; i < j_.steps.size(); ++i) {
    for (const Capture& c : j_.steps[i].captures) captured.insert(j_.vars[c.var]);
    check_references(j_.steps[i], steps[i], captured);
  }
  auto loop = std::find_if(j_.steps.begin(), j_.steps.end(), [](const auto& s) { return !s.once; });
  if (loop == j_.steps.end()) refuse(root, "every step is once: a journey needs one that repeats");
  if (std::any_of(loop, j_.steps.end(), [](const auto& s) { return s.once; }))
    refuse(steps[static_cast<std::size_t>(loop - j_.steps.begin())],
           "the once steps (logins, set-up) come first");
  j_.loop_start = static_cast<std::size_t>(loop - j_.steps.begin());
  bool writes =
      std::any_of(j_.steps.begin(), j_.steps.end(), [](const auto& s) { return s.writes; });
  if (j_.reads_anything() && !writes)
    refuse(root, "a journey that reads writes first (write: true)");
}

}  // namespace

std::variant<Journey, std::string> parse_journey(std::string_view yaml, std::string source) {
  Journey j;
  j.source = source;
  try {
    Reader(j).journey(YAML::Load(std::string(yaml)));
  } catch (const Refusal& r) {
    return source + ":" + std::to_string(r.line) + ": " + printable(r.what, 300);
  } catch (const YAML::Exception& e) {
    return source + ":" + std::to_string(e.mark.line + 1) + ": " + printable(e.msg, 300);
  }
  return j;
}

}  // namespace sessdemo::loadgen
