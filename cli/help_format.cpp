#include "cli/help_format.hpp"

#include <CLI/App.hpp>
#include <sstream>

namespace sessdemo::cli {

std::string short_value_name(const std::string& type_name) {
  auto colon = type_name.find(':');
  std::string type = type_name.substr(0, colon);
  std::string rest = colon == std::string::npos ? "" : type_name.substr(colon + 1);
  if (!rest.empty() && rest.front() == '{') return rest;  // the choices
  if (!rest.empty() && rest.find(" in [") == std::string::npos) return rest;  // a format, like HOST:PORT
  if (type == "UINT" || type == "INT") return "N";
  if (type == "FLOAT") return "NUMBER";
  return type;
}

std::string HelpFormatter::make_option_opts(const CLI::Option* opt) const {
  if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
  std::stringstream out;
  if (opt->get_type_size() != 0) {
    auto name = short_value_name(opt->get_type_name());
    if (!name.empty()) out << " " << name;
    if (!opt->get_default_str().empty()) out << "=" << opt->get_default_str();
    if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out << " ...";
    if (opt->get_required()) out << " REQUIRED";
  }
  // Every option has SESSDEMO_<OPTION>: said once, in the footer, not on every line.
  return out.str();
}

}  // namespace sessdemo::cli
