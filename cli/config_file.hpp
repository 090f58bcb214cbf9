#pragma once
// The --config file: INI sections named after the commands ([serve], [load], [demo]), each with
// `key = value` lines whose keys are that command's long options without the dashes. Lines
// starting with # or ; are comments; a value may be put in double quotes.
//
// Precedence, as in most command-line tools: the command line, then the environment
// (SESSDEMO_*), then the file. The file's values go in front of the command's own arguments
// (where a later flag wins), and a key whose option has an environment variable that is set is
// left out.
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace CLI {
class App;
}

namespace sessdemo::cli {

struct ConfigEntry {
  std::string section;  // the command it belongs to
  std::string key;      // a long option without its dashes
  std::string value;
  int line = 0;
};

// The entries, or "line N: what is wrong" for the first line that is not valid.
// repeatable(section, key): a key that may be given several times (a repeatable option, like
// -H or --form-field: each line one value, in order); any other key given twice is an error.
std::variant<std::vector<ConfigEntry>, std::string> parse_config(
    std::string_view text,
    const std::function<bool(const std::string&, const std::string&)>& repeatable = {});

// Takes --config FILE (or --config=FILE) out of args (the arguments after the program name),
// reads the file, checks every key against the commands of app, and puts the values for the
// command that runs (the subcommand named in args) in front of its arguments. Returns "" or a
// one-line error.
std::string apply_config_file(std::vector<std::string>& args, CLI::App& app);

}  // namespace sessdemo::cli
