#include "loadgen/journey/users_file.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

namespace sessdemo::loadgen {

namespace {
// One CSV line's cells (RFC 4180: a cell in double quotes may hold commas and "" for a quote),
// or nothing when a quote is not closed.
std::optional<std::vector<std::string>> csv_cells(std::string_view line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  return cells;
}

}  // namespace

std::variant<UsersFile, std::string> read_users_file(const std::string& file,
                                                     const std::string& beside) {
  std::filesystem::path p(file);
  if (p.is_relative()) p = std::filesystem::path(beside).parent_path() / p;
  const std::string path = p.string();
  std::ifstream in(path);
  if (!in) return path + " cannot be read";
  UsersFile t;
  std::string line;
  std::size_t row = 0;
  auto at = [&] { return path + ":" + std::to_string(row) + ": "; };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++row;
    if (line.empty()) continue;
    auto cells = csv_cells(line);
    if (!cells) return at() + "a quote is not closed";
    if (t.columns.empty()) {
      t.columns = std::move(*cells);
      continue;
    }
    if (cells->size() != t.columns.size())
      return at() + std::to_string(cells->size()) + " cells, the header has " +
             std::to_string(t.columns.size());
    if (t.rows.size() >= 1'000'000) return path + ": more than 1000000 users";
    t.rows.push_back(std::move(*cells));
  }
  if (t.rows.empty()) return path + ": a header and at least one user";
  return t;
}

}  // namespace sessdemo::loadgen
