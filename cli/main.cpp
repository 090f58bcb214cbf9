// sessdemo: one binary, its commands (serve, load, demo, merge, check). Only the wiring lives here.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include <CLI/App.hpp>

#include "cli/check_cmd.hpp"
#include "cli/config_file.hpp"
#include "cli/demo_cmd.hpp"
#include "cli/help_format.hpp"
#include "cli/load_cmd.hpp"
#include "cli/merge_cmd.hpp"
#include "cli/serve_cmd.hpp"
#include "common/exit_status.hpp"

namespace {

// Levenshtein distance, for "did you mean".
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

CLI::App* find_command(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : app.get_subcommands({}))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

int bad_command_line(const std::string& message, const std::string& command = "") {
  std::fprintf(stderr, "sessdemo: %s (see sessdemo help%s%s)\n", message.c_str(),
               command.empty() ? "" : " ", command.c_str());
  return sessdemo::exit_code::usage;
}

// The known name nearest to word, within two edits, as "; did you mean 'X'?", or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& k : known)
    if (auto d = distance(word, k); d < best_distance) {
      best = k;
      best_distance = d;
    }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}
// The commands, as the app has them (its subcommands, then help): one list, the app's own.
std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* s : app.get_subcommands({})) names.push_back(s->get_name());
  names.emplace_back("help");
  return names;
}
std::string command_list(const CLI::App& app) {
  std::string list;
  for (const auto& n : command_names(app)) list += (list.empty() ? "" : ", ") + n;
  return list;
}

// The command word of args (the first that is not an option), or "".
std::string command_of(const std::vector<std::string>& args) {
  std::size_t at = 0;
  while (at < args.size() && !args[at].empty() && args[at].front() == '-')
    at += args[at] == "--config" ? 2 : 1;
  return at < args.size() ? args[at] : "";
}

// A flag CLI11 did not expect, with the nearest flag of the command.
std::string unexpected_flag_hint(const CLI::App& app, const std::string& command,
                                 const std::string& what) {
  auto dash = what.find("--");
  if (dash == std::string::npos) return "";
  std::string flag = what.substr(dash, what.find_first_of(" =", dash) - dash);
  const CLI::App* sub = nullptr;
  for (const CLI::App* s : app.get_subcommands({}))
    if (s->get_name() == command) sub = s;
  std::vector<std::string> known;
  for (const CLI::App* a : {&app, sub})
    if (a)
      for (const CLI::Option* o : a->get_options())
        for (const auto& l : o->get_lnames()) known.push_back("--" + l);
  return did_you_mean(flag, known);
}
// What the command word asks before CLI11 parses anything: `help [COMMAND]`, an unknown command
// (with a "did you mean"), or none at all; an exit status then, or nothing to go on parsing.
std::optional<int> before_parsing(CLI::App& app, const std::vector<std::string>& args) {
  // The command: the first word that is not an option (the global options take no value but
  // --config, which takes one).
  std::size_t at = 0;
  while (at < args.size() && !args[at].empty() && args[at].front() == '-')
    at += args[at] == "--config" ? 2 : 1;
  if (at < args.size()) {
    const std::string& word = args[at];
    if (word == "help") {
      CLI::App* sub = at + 1 < args.size() ? find_command(app, args[at + 1]) : nullptr;
      if (at + 1 < args.size() && !sub)
        return bad_command_line("unknown command '" + args[at + 1] +
                                "' (commands: " + command_list(app) + ")" +
                                did_you_mean(args[at + 1], command_names(app)));
      // The same text as `sessdemo COMMAND --help`, its usage line included.
      std::fputs((sub ? sub->help("sessdemo") : app.help()).c_str(), stdout);
      return 0;
    }
    if (!find_command(app, word))
      return bad_command_line("unknown command '" + word + "' (commands: " + command_list(app) +
                              ")" + did_you_mean(word, command_names(app)));
  } else if (std::none_of(args.begin(), args.end(), [](const std::string& a) {
               return a == "--help" || a == "-h" || a == "--version";
             })) {
    return bad_command_line("a command is needed: " + command_list(app));
  }
  return std::nullopt;
}
// What every command gets alike: SESSDEMO_<OPTION> for each option, and the --config footer.
void finish_commands(std::initializer_list<CLI::App*> subs) {
  // Every option of every command can come from the environment: SESSDEMO_<OPTION> (upper case,
  // '-' as '_'), as the README says; a few had their names set where they are defined.
  for (auto* sub : subs)
    for (CLI::Option* opt : sub->get_options()) {
      if (!opt->get_envname().empty() || opt->get_lnames().empty()) continue;
      std::string name = opt->get_lnames().front();
      if (name == "help" || name == "config") continue;
      std::string env = "SESSDEMO_";
      for (char c : name)
        env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      opt->envname(env);
    }
  for (auto* sub : subs)
    sub->footer(
        sub->get_footer() +
        "\n--config FILE (before or after the command) reads options from the [" + sub->get_name() +
        "] section of an INI file; every option can also be set as SESSDEMO_<OPTION> (--max-p99:\n"
        "SESSDEMO_MAX_P99); the command line wins over the environment, the environment over the "
        "file.");
}
}  // namespace

int main(int argc, char** argv) {
  using namespace sessdemo::cli;
  CLI::App app{"sessdemo: shared sessions for web farms, demonstrated and measured", "sessdemo"};
  app.formatter(std::make_shared<HelpFormatter>());  // before the commands: they copy it
  app.set_version_flag("--version", "sessdemo " SESSDEMO_VERSION);
  app.add_option("--config",
                 "read options from an INI file with [serve], [load] and [demo] sections");
  app.footer(
      "Commands: serve, load, demo, merge, check; `sessdemo help COMMAND` or `sessdemo COMMAND "
      "--help` "
      "for their options.\n"
      "Options come, by precedence, from the command line, then the environment (SESSDEMO_*), then "
      "the\n"
      "--config file (--config FILE works after the command too).\n"
      "Exit status: 0 success (every check held), 1 a check or the run failed, 2 a bad command "
      "line\n"
      "or unreadable input, 3 no instance answers (load), 130 interrupted by SIGINT or SIGTERM.");

  ServeOptions serve;
  auto* serve_cmd =
      app.add_subcommand("serve", "run a web instance with sessions in memcached or memory");
  setup_serve(*serve_cmd, serve);

  LoadCliOptions load;
  auto* load_cmd =
      app.add_subcommand("load", "load and check instances with cookie-carrying virtual clients");
  setup_load(*load_cmd, load);

  DemoCliOptions demo;
  auto* demo_cmd = app.add_subcommand(
      "demo", "start memcached and instances, run every scenario, report side by side");
  setup_demo(*demo_cmd, demo);

  sessdemo::loadgen::MergeOptions merge;
  auto* merge_cmd = app.add_subcommand(
      "merge", "merge the JSON files of a run's shards (load --shard I/N) into one report");
  setup_merge(*merge_cmd, merge);

  sessdemo::loadgen::CheckOptions check;
  auto* check_cmd = app.add_subcommand(
      "check", "judge a history (load --history) again, alone, and show the anomalies");
  setup_check(*check_cmd, check);

  finish_commands({serve_cmd, load_cmd, demo_cmd, merge_cmd, check_cmd});
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.back() == "--config") return bad_command_line("--config needs a FILE");
  if (auto done = before_parsing(app, args)) return *done;
  // --config (and --version) also work after the command: `sessdemo serve --config f.ini`.
  if (auto err = apply_config_file(args, app); !err.empty()) return bad_command_line(err);
  for (auto* sub : {serve_cmd, load_cmd, demo_cmd, merge_cmd, check_cmd}) sub->fallthrough();

  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line saying what is wrong, and where to look; exit 2 like other command-line tools.
    std::string command = command_of(std::vector<std::string>(argv + 1, argv + argc));
    if (!find_command(app, command)) command.clear();
    std::string hint = dynamic_cast<const CLI::ExtrasError*>(&e)
                           ? unexpected_flag_hint(app, command, e.what())
                           : "";
    return bad_command_line(e.what() + hint, command);
  }
  if (serve_cmd->parsed()) return run_serve(serve);
  if (load_cmd->parsed()) return run_load_command(load, *load_cmd);
  if (demo_cmd->parsed()) return run_demo_command(demo);
  if (merge_cmd->parsed()) return run_merge_command(merge);
  if (check_cmd->parsed()) return run_check_command(check);
  return sessdemo::exit_code::usage;
}
