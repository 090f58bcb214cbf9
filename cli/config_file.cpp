#include "cli/config_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include <CLI/App.hpp>

#include "cli/small_file.hpp"
#include "common/trim.hpp"

namespace sessdemo::cli {

namespace {

std::string at_line(int n, const std::string& what) {
  return "line " + std::to_string(n) + ": " + what;
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
}  // namespace

std::variant<std::vector<ConfigEntry>, std::string> parse_config(
    std::string_view text,
    const std::function<bool(const std::string&, const std::string&)>& repeatable) {
  std::vector<ConfigEntry> out;
  std::string section;
  std::set<std::pair<std::string, std::string>> seen;
  int n = 0;
  while (!text.empty() || n == 0) {
    ++n;
    auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl), " \t\r");
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      if (text.empty()) break;
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']') return at_line(n, "a section header must end with ']'");
      section = std::string(trim(line.substr(1, line.size() - 2)));
      if (section.empty()) return at_line(n, "empty section name");
    } else {
      auto eq = line.find('=');
      if (eq == std::string_view::npos) return at_line(n, "expected 'key = value' or '[section]'");
      std::string key(trim(line.substr(0, eq)));
      std::string_view value = trim(line.substr(eq + 1));
      if (key.empty()) return at_line(n, "a key is missing before '='");
      if (!std::all_of(key.begin(), key.end(), is_key_char))
        return at_line(n,
                       "'" + key + "' is not a key (lower-case option names, like store-timeout)");
      std::replace(key.begin(), key.end(), '_', '-');
      if (section.empty())
        return at_line(
            n, "'" + key + "' is outside a section: put it under [serve], [load] or [demo]");
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      else if (value.find('"') != std::string_view::npos)
        return at_line(n, "unbalanced '\"' in the value of " + key);
      if (!seen.insert({section, key}).second && !(repeatable && repeatable(section, key)))
        return at_line(n, "'" + key + "' is given twice in [" + section + "]");
      out.push_back({section, key, std::string(value), n});
    }
    if (text.empty()) break;
  }
  return out;
}

namespace {
bool truthy(const std::string& v) {
  return v == "true" || v == "1" || v == "yes" || v == "on";
}
bool falsy(const std::string& v) {
  return v == "false" || v == "0" || v == "no" || v == "off";
}
}  // namespace

std::string apply_config_file(std::vector<std::string>& args, CLI::App& app) {
  std::string path;
  bool given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size() || args[i + 1].empty() || args[i + 1].front() == '-')
        return "--config needs a FILE";
      path = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      given = true;
      break;
    }
    if (args[i].rfind("--config=", 0) == 0) {
      path = args[i].substr(9);
      args.erase(args.begin() + static_cast<long>(i));
      if (path.empty()) return "--config needs a FILE";
      given = true;
      break;
    }
  }
  if (!given) return {};
  auto text = read_small_file(path, std::uintmax_t{1} << 20, "the config file");
  if (auto* e = std::get_if<FileError>(&text)) return e->message;
  auto repeatable = [&app](const std::string& section, const std::string& key) {
    for (auto* s : app.get_subcommands({}))
      if (s->get_name() == section)
        if (const CLI::Option* o = s->get_option_no_throw("--" + key))
          return o->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    return false;
  };
  auto parsed = parse_config(std::get<std::string>(text), repeatable);
  if (auto* err = std::get_if<std::string>(&parsed)) return "config file " + path + ", " + *err;
  const auto& entries = std::get<std::vector<ConfigEntry>>(parsed);

  // Every key is checked, also those of the commands that do not run now.
  for (const auto& e : entries) {
    CLI::App* sub = nullptr;
    for (auto* s : app.get_subcommands({}))
      if (s->get_name() == e.section) sub = s;
    if (!sub)
      return "config file " + path + ", line " + std::to_string(e.line) + ": unknown section [" +
             e.section + "]";
    const CLI::Option* opt = sub->get_option_no_throw("--" + e.key);
    if (!opt || e.key == "help" || e.key == "config")
      return "config file " + path + ", line " + std::to_string(e.line) + ": unknown key '" +
             e.key + "' in [" + e.section + "]";
    if (opt->get_expected_min() == 0 && !truthy(e.value) && !falsy(e.value))
      return "config file " + path + ", line " + std::to_string(e.line) + ": " + e.key +
             " takes true or false";
  }

  // The command that runs: the first argument naming one.
  auto cmd = std::find_if(args.begin(), args.end(), [&](const std::string& a) {
    for (auto* s : app.get_subcommands({}))
      if (s->get_name() == a) return true;
    return false;
  });
  if (cmd == args.end()) return {};
  CLI::App* sub = app.get_subcommand(*cmd);
  std::vector<std::string> injected;
  for (const auto& e : entries) {
    if (e.section != *cmd) continue;
    const CLI::Option* opt = sub->get_option("--" + e.key);
    const std::string& env = opt->get_envname();
    if (!env.empty() && std::getenv(env.c_str()) && *std::getenv(env.c_str()))
      continue;                          // env wins
    if (opt->get_expected_min() == 0) {  // a flag: on or left out
      if (truthy(e.value)) injected.push_back("--" + e.key);
      continue;
    }
    injected.push_back("--" + e.key + "=" + e.value);
  }
  args.insert(cmd + 1, injected.begin(), injected.end());
  return {};
}

}  // namespace sessdemo::cli
