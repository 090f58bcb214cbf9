#pragma once
// How --help shows an option's value: a short name and its default (`--clients N=100`,
// `--balance {round-robin,random,sticky}=round-robin`), not CLI11's type and validator text
// (`UINT:INT in [1 to 1000000]`): the range is said when a value is outside it.
#include <functional>
#include <string>

#include <CLI/FormatterFwd.hpp>

namespace sessdemo::cli {

class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override;
};

// The value name --help shows for a CLI11 type name ("UINT:INT in [1 to 9]" -> "N").
std::string short_value_name(const std::string& type_name);

}  // namespace sessdemo::cli
