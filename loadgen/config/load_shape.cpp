#include "loadgen/config/load_shape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "common/duration.hpp"
#include "common/number_text.hpp"
#include "common/trim.hpp"
#include "loadgen/config/load_options.hpp"

namespace sessdemo::loadgen {

namespace {
std::optional<double> plain_number(std::string_view text) {
  if (text.empty() || text.size() > 30) return std::nullopt;
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}
}  // namespace

std::variant<std::vector<Stage>, std::string> parse_stages(std::string_view text) {
  std::vector<Stage> stages;
  const std::string usage = " (stages are DURATION:TARGET,... like 30s:100,2m:100,30s:0)";
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    auto colon = item.find(':');
    if (colon == std::string_view::npos) return "'" + std::string(item) + "' has no ':'" + usage;
    auto d = parse_duration(trim(item.substr(0, colon)));
    if (!d || d->count() <= 0)
      return "'" + std::string(item.substr(0, colon)) + "' is not a duration above 0" + usage;
    auto n = plain_number(trim(item.substr(colon + 1)));
    if (!n || *n < 0 || *n > 1e7)
      return "'" + std::string(item.substr(colon + 1)) + "' is not a target from 0 to 1e7" + usage;
    stages.push_back({*d, *n});
  }
  if (stages.empty()) return "no stage given" + usage;
  if (stages.size() > 1000) return "at most 1000 stages";
  return stages;
}

std::string to_string(const std::vector<Stage>& stages) {
  std::string out;
  for (const auto& s : stages) {
    if (!out.empty()) out += ',';
    out += format_duration(s.duration) + ":" + number_text(s.target);
  }
  return out;
}

LoadShape LoadShape::constant(double level) {
  LoadShape s;
  s.constant_ = level;
  return s;
}

LoadShape LoadShape::of(const std::vector<Stage>& stages, double from) {
  LoadShape s;
  s.staged_ = true;
  double at = 0, level = from, count = 0;
  for (const auto& st : stages) {
    double len = std::chrono::duration<double>(st.duration).count();
    s.segments_.push_back({at, len, level, st.target, count});
    count += (level + st.target) / 2 * len;
    at += len;
    level = st.target;
  }
  return s;
}

double LoadShape::length_s() const {
  if (!staged_) return std::numeric_limits<double>::infinity();
  return segments_.empty() ? 0 : segments_.back().start_s + segments_.back().length_s;
}

double LoadShape::peak() const {
  if (!staged_) return constant_;
  double p = 0;
  for (const auto& s : segments_) p = std::max({p, s.from, s.to});
  return p;
}

std::size_t LoadShape::stage_at(double t) const {
  for (std::size_t i = 0; i < segments_.size(); ++i)
    if (t < segments_[i].start_s + segments_[i].length_s) return i + 1;
  return segments_.size();
}

double LoadShape::level_at(double t) const {
  if (!staged_) return constant_;
  for (const auto& s : segments_)
    if (t < s.start_s + s.length_s) {
      double f = std::max(0.0, t - s.start_s) / s.length_s;
      return s.from + (s.to - s.from) * f;
    }
  return segments_.empty() ? 0 : segments_.back().to;
}

double LoadShape::count_until(double t) const {
  if (t <= 0) return 0;
  if (!staged_) return constant_ * t;
  for (const auto& s : segments_)
    if (t < s.start_s + s.length_s) {
      double tau = t - s.start_s;
      return s.count_before + s.from * tau + (s.to - s.from) * tau * tau / (2 * s.length_s);
    }
  if (segments_.empty()) return 0;
  const auto& last = segments_.back();
  return last.count_before + (last.from + last.to) / 2 * last.length_s;
}

std::optional<double> LoadShape::time_of_count(double c) const {
  if (!staged_) {
    if (constant_ <= 0) return std::nullopt;
    return c / constant_;
  }
  for (const auto& s : segments_) {
    double in_segment = (s.from + s.to) / 2 * s.length_s;
    if (c > s.count_before + in_segment) continue;
    // count_before + a*tau + k*tau^2 = c with k = (b - a) / 2D; the form 2c / (a + sqrt(a^2 +
    // 4kc)) holds for a rising, falling or flat level and loses no precision when k is small.
    double rest = std::max(0.0, c - s.count_before), a = s.from;
    double k = (s.to - s.from) / (2 * s.length_s);
    double root = std::sqrt(std::max(0.0, a * a + 4 * k * rest));
    double tau = a + root > 0 ? 2 * rest / (a + root) : 0;
    return s.start_s + std::min(tau, s.length_s);
  }
  return std::nullopt;
}

std::chrono::microseconds ThinkTime::mean() const {
  return kind == Kind::uniform ? (low + high) / 2 : low;
}

std::chrono::microseconds ThinkTime::sample(std::minstd_rand& rng) const {
  switch (kind) {
    case Kind::fixed:
      return low;
    case Kind::uniform:
      return std::chrono::microseconds(
          std::uniform_int_distribution<std::int64_t>(low.count(), high.count())(rng));
    case Kind::exponential: {
      // Capped at 20 means, so one draw cannot park a client for the rest of the run.
      double mean_us = static_cast<double>(low.count());
      double v = std::exponential_distribution<double>(1.0 / mean_us)(rng);
      return std::chrono::microseconds(static_cast<std::int64_t>(std::min(v, 20 * mean_us)));
    }
  }
  return low;
}

std::variant<ThinkTime, std::string> parse_think(std::string_view text) {
  const std::string usage =
      " (think times are 200ms fixed, 100ms-500ms uniform, or exp:300ms exponential with that "
      "mean)";
  ThinkTime t;
  text = trim(text);
  if (text.substr(0, 4) == "exp:") {
    auto d = parse_duration(text.substr(4));
    if (!d || d->count() <= 0) return "'" + std::string(text) + "' is not a mean above 0" + usage;
    t.kind = ThinkTime::Kind::exponential;
    t.low = *d;
    return t;
  }
  auto dash = text.find('-');
  if (dash != std::string_view::npos) {
    auto lo = parse_duration(trim(text.substr(0, dash)));
    auto hi = parse_duration(trim(text.substr(dash + 1)));
    if (!lo || !hi || *hi < *lo)
      return "'" + std::string(text) + "' is not LOW-HIGH with LOW <= HIGH" + usage;
    t.kind = ThinkTime::Kind::uniform;
    t.low = *lo;
    t.high = *hi;
    return t;
  }
  auto d = parse_duration(text);
  if (!d) return "'" + std::string(text) + "' is not a think time" + usage;
  t.low = *d;
  return t;
}

std::string to_string(const ThinkTime& t) {
  switch (t.kind) {
    case ThinkTime::Kind::fixed:
      return format_duration(t.low);
    case ThinkTime::Kind::uniform:
      return format_duration(t.low) + "-" + format_duration(t.high);
    case ThinkTime::Kind::exponential:
      return "exp:" + format_duration(t.low);
  }
  return format_duration(t.low);
}

std::variant<PercentileLimit, std::string> parse_percentile_limit(std::string_view text) {
  const std::string usage = " (like p95=200ms; percentiles p50 to p99.99)";
  auto eq = text.find('=');
  if (eq == std::string_view::npos || text.empty() || (text[0] != 'p' && text[0] != 'P'))
    return "'" + std::string(text) + "' is not PCT=DURATION" + usage;
  auto pct = plain_number(text.substr(1, eq - 1));
  if (!pct || *pct < 50 || *pct > 99.99)
    return "'" + std::string(text.substr(0, eq)) + "' is not a percentile from p50 to p99.99" +
           usage;
  auto d = parse_duration(text.substr(eq + 1));
  if (!d) return "'" + std::string(text.substr(eq + 1)) + "' is not a duration" + usage;
  return PercentileLimit{*pct, *d};
}

std::string percentile_name(double percentile) {
  return "p" + number_text(percentile);
}

}  // namespace sessdemo::loadgen
