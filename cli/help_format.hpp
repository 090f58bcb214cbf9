#pragma once
// How --help shows an option's value: a short name and its default (`--clients N=100`,
// `--balance {round-robin,random,sticky}=round-robin`), not CLI11's type and validator text
// (`UINT:INT in [1 to 1000000]`): the range is said when a value is outside it.
#include <functional>
#include <string>
#include <string_view>

#include <CLI/FormatterFwd.hpp>

namespace sessdemo::cli {

// Lines are filled to the terminal's width (COLUMNS, else the terminal's, else 100 columns when
// the help goes to a file or a pipe): descriptions under their column, footers as paragraphs.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override;
  std::string make_option(const CLI::Option* opt, bool is_positional) const override;
  std::string make_footer(const CLI::App* app) const override;
};

// The width help text is filled to, 40 to 200 columns.
std::size_t help_width();
// text's words filled into lines of at most width columns, the first of which has start columns
// used already, the others indented by indent spaces (which count against width); a word longer
// than a line stands alone on it.
std::string fill(std::string_view text, std::size_t width, std::size_t indent = 0,
                 std::size_t start = 0);

// The value name --help shows for a CLI11 type name ("UINT:INT in [1 to 9]" -> "N").
std::string short_value_name(const std::string& type_name);

}  // namespace sessdemo::cli
