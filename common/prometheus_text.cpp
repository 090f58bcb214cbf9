// The Prometheus text exposition format, written and read: see prometheus_text.hpp.
#include "common/prometheus_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sessdemo {

namespace {
void escape_into(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
}

// Every figure exactly: integers as integers, other numbers with the 17 digits that read back
// the same double.
void number_into(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += buf;
}

void labels_into(std::string& out, const MetricLabels& own, const MetricLabels& common) {
  if (own.empty() && common.empty()) return;
  out += '{';
  bool first = true;
  for (const auto* set : {&own, &common})
    for (const auto& [k, v] : *set) {
      if (!first) out += ',';
      first = false;
      out += k;
      out += "=\"";
      escape_into(out, v);
      out += '"';
    }
  out += '}';
}
}  // namespace

std::string PrometheusText::bound(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name);
  text_.append(" ").append(type).append("\n");
}

void PrometheusText::sample(std::string_view name, const MetricLabels& labels, double value) {
  text_.append(name);
  labels_into(text_, labels, common_);
  text_ += ' ';
  number_into(text_, value);
  text_ += '\n';
}

void PrometheusText::histogram(std::string_view name, std::string_view help,
                               const std::vector<double>& bounds,
                               const std::vector<double>& cumulative, double total, double sum,
                               const MetricLabels& labels, bool with_head) {
  std::string base(name);
  if (with_head) family(base, "histogram", help);
  auto with_le = [&](std::string le) {
    MetricLabels l = labels;
    l.emplace_back("le", std::move(le));
    return l;
  };
  for (std::size_t b = 0; b < bounds.size() && b < cumulative.size(); ++b)
    sample(base + "_bucket", with_le(bound(bounds[b])), cumulative[b]);
  sample(base + "_bucket", with_le("+Inf"), total);
  sample(base + "_sum", labels, sum);
  sample(base + "_count", labels, total);
}

std::optional<std::string> MetricSample::label(std::string_view key) const {
  for (const auto& [k, v] : labels)
    if (k == key) return v;
  return std::nullopt;
}

namespace {
// name{labels} value, or nothing when the line is not one.
std::optional<MetricSample> parse_sample(std::string_view line) {
  MetricSample s;
  std::size_t at = 0;
  while (at < line.size() && line[at] != '{' && line[at] != ' ') ++at;
  s.name = std::string(line.substr(0, at));
  if (s.name.empty()) return std::nullopt;
  if (at < line.size() && line[at] == '{') {
    ++at;
    while (at < line.size() && line[at] != '}') {
      auto eq = line.find("=\"", at);
      if (eq == std::string_view::npos) return std::nullopt;
      std::string key(line.substr(at, eq - at)), value;
      at = eq + 2;
      for (; at < line.size() && line[at] != '"'; ++at) {
        if (line[at] == '\\' && at + 1 < line.size()) {
          ++at;
          value += line[at] == 'n' ? '\n' : line[at];
        } else {
          value += line[at];
        }
      }
      if (at >= line.size()) return std::nullopt;
      ++at;  // the closing quote
      if (at < line.size() && line[at] == ',') ++at;
      s.labels.emplace_back(std::move(key), std::move(value));
    }
    if (at >= line.size()) return std::nullopt;
    ++at;  // the closing brace
  }
  while (at < line.size() && line[at] == ' ') ++at;
  std::string number(line.substr(at, line.find(' ', at) - at));
  if (number.empty()) return std::nullopt;
  char* end = nullptr;
  s.value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return std::nullopt;
  return s;
}
}  // namespace

std::vector<MetricSample> parse_prometheus_text(std::string_view page) {
  std::vector<MetricSample> out;
  while (!page.empty()) {
    auto nl = page.find('\n');
    auto line = page.substr(0, nl);
    page = nl == std::string_view::npos ? std::string_view{} : page.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (auto s = parse_sample(line)) out.push_back(std::move(*s));
  }
  return out;
}

std::optional<double> metric_sum(const std::vector<MetricSample>& samples, std::string_view name,
                                 const MetricLabels& match) {
  std::optional<double> sum;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : match) all = all && s.label(k) == v;
    if (all) sum = sum.value_or(0) + s.value;
  }
  return sum;
}

}  // namespace sessdemo
