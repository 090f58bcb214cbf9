#include "loadgen/journey/journey.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace sessdemo::loadgen {

std::string Locator::words() const {
  static constexpr const char* kinds[] = {"css", "json", "regex", "cookie", "page"};
  std::string w = kinds[static_cast<int>(kind)];
  if (kind != Kind::page) w += " '" + expr + "'";
  if (!attr.empty()) w += " attribute " + attr;
  return w;
}

std::string JourneyStep::words() const {
  return method + " " + path + " (line " + std::to_string(line) + ")";
}

std::vector<std::string> references_in(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t at = text.find('{'); at != std::string_view::npos; at = text.find('{', at + 1)) {
    auto close = text.find('}', at);
    if (close == std::string_view::npos) break;
    std::string_view name = text.substr(at + 1, close - at - 1);
    bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '.';
    });
    if (word) out.emplace_back(name);
  }
  return out;
}

std::size_t Journey::capturing_step(std::size_t v) const {
  for (std::size_t i = 0; i < steps.size(); ++i)
    for (const Capture& c : steps[i].captures)
      if (c.var == v) return i;
  return steps.size();
}

std::size_t Journey::recapture_from(const JourneyStep& s) const {
  std::size_t from = steps.size();
  auto look = [&](std::string_view text) {
    for (const auto& name : references_in(text)) {
      auto it = std::find(vars.begin(), vars.end(), name);
      if (it != vars.end())
        from = std::min(from, capturing_step(static_cast<std::size_t>(it - vars.begin())));
    }
  };
  look(s.path);
  look(s.json);
  for (const auto& [k, v] : s.headers) look(v);
  for (const auto& [k, v] : s.form) look(v);
  return from;
}

std::optional<std::string> Journey::user_cell(std::uint32_t client, std::string_view column) const {
  auto it = std::find(user_columns.begin(), user_columns.end(), column);
  if (it == user_columns.end() || users.empty()) return std::nullopt;
  return users[client % users.size()][static_cast<std::size_t>(it - user_columns.begin())];
}

bool Journey::logs_out() const {
  return std::any_of(steps.begin(), steps.end(), [](const JourneyStep& s) { return s.logout; });
}

bool Journey::reads_anything() const {
  return std::any_of(steps.begin(), steps.end(),
                     [](const JourneyStep& s) { return s.read.has_value(); });
}

std::variant<Journey, std::string> load_journey(const std::string& path) {
  std::ifstream in(path);
  if (!in) return path + ": cannot be read";
  std::stringstream text;
  text << in.rdbuf();
  return parse_journey(text.str(), path);
}

}  // namespace sessdemo::loadgen
