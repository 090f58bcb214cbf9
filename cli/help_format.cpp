#include "cli/help_format.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <CLI/App.hpp>

namespace sessdemo::cli {

std::string short_value_name(const std::string& type_name) {
  auto colon = type_name.find(':');
  std::string type = type_name.substr(0, colon);
  std::string rest = colon == std::string::npos ? "" : type_name.substr(colon + 1);
  if (!rest.empty() && rest.front() == '{') return rest;  // the choices
  bool base =
      type == "TEXT" || type == "UINT" || type == "INT" || type == "FLOAT" || type == "BOOLEAN";
  if (!base) return type_name;  // a name of its own, like ADDR:PORT
  if (!rest.empty() && rest.find(" in [") == std::string::npos)
    return rest;  // a format, like HOST:PORT
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

std::size_t help_width() {
  std::size_t w = 0;
  if (const char* c = std::getenv("COLUMNS"))
    w = static_cast<std::size_t>(std::strtoul(c, nullptr, 10));
  winsize ws{};
  if (w == 0 && isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) w = ws.ws_col;
  if (w == 0) w = 100;
  return std::clamp<std::size_t>(w, 40, 200);
}

std::string fill(std::string_view text, std::size_t width, std::size_t indent, std::size_t start) {
  std::string out;
  std::size_t line = start;  // columns used on the current line
  bool empty = true;         // no word on it yet
  for (std::size_t at = 0; at < text.size();) {
    std::size_t from = text.find_first_not_of(' ', at);
    if (from == std::string_view::npos) break;
    std::size_t end = std::min(text.find(' ', from), text.size());
    std::string_view word = text.substr(from, end - from);
    if (!empty && line + 1 + word.size() > width) {
      out += '\n';
      out.append(indent, ' ');
      line = indent;
      empty = true;
    }
    if (!empty) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    empty = false;
    at = end;
  }
  return out;
}

std::string HelpFormatter::make_option(const CLI::Option* opt, bool is_positional) const {
  std::size_t col = get_column_width(), width = help_width();
  std::string out = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
  std::string desc = make_option_desc(opt);
  if (desc.empty()) return out + "\n";
  if (out.size() + 1 > col) {
    out += '\n';
    out.append(col, ' ');
  } else {
    out.append(col - out.size(), ' ');
  }
  // The description's own lines are kept; each is filled under the column.
  std::size_t room = width > col + 20 ? width : col + 20;
  for (std::size_t at = 0; at <= desc.size();) {
    std::size_t nl = std::min(desc.find('\n', at), desc.size());
    if (at > 0) {
      out += '\n';
      out.append(col, ' ');
    }
    out += fill(std::string_view(desc).substr(at, nl - at), room, col, col);
    at = nl + 1;
  }
  return out + "\n";
}

std::string HelpFormatter::make_footer(const CLI::App* app) const {
  std::string footer = app->get_footer();
  if (footer.empty()) return {};
  // A line that starts with spaces is kept as written (an example); the others are filled.
  std::string out;
  std::size_t width = help_width();
  for (std::size_t at = 0; at <= footer.size();) {
    std::size_t nl = std::min(footer.find('\n', at), footer.size());
    std::string_view line = std::string_view(footer).substr(at, nl - at);
    out += line.starts_with("  ") ? std::string(line) : fill(line, width);
    out += '\n';
    at = nl + 1;
  }
  return "\n" + out;
}

}  // namespace sessdemo::cli
