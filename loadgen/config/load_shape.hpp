#pragma once
// How much load, over time: --stages (a level ramped linearly to each stage's target: clients
// for the closed model, requests/s for the open one), --think (a pause drawn from a
// distribution) and --max-latency/--max-service (a limit on one percentile).
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sessdemo::loadgen {

struct Stage {
  std::chrono::microseconds duration{0};
  double target = 0;  // the level reached at the stage's end
};

// "D:N,D:N,..." (30s:100,2m:100,30s:0); an error in words for anything else.
std::variant<std::vector<Stage>, std::string> parse_stages(std::string_view text);
std::string to_string(const std::vector<Stage>& stages);  // as parse_stages reads it

// A level over time from the start of the load: constant, or ramped from `from` through the
// stages (k6's ramping-vus from 0, ramping-arrival-rate from its start rate).
// The open model's schedule is its integral: tick k is due when count_until reaches k.
class LoadShape {
 public:
  static LoadShape constant(double level);
  static LoadShape of(const std::vector<Stage>& stages, double from = 0);
  double level_at(double t_s) const;
  double count_until(double t_s) const;  // the level's integral from 0 to t
  // When count_until reaches c; none past the shape's end (a constant shape never ends).
  std::optional<double> time_of_count(double c) const;
  double length_s() const;  // the stages' sum; infinity for a constant shape
  double peak() const;
  std::size_t stage_at(double t_s) const;  // 1-based; the last one past the end; 0 when constant

 private:
  struct Segment {
    double start_s, length_s, from, to, count_before;
  };
  std::vector<Segment> segments_;
  double constant_ = 0;
  bool staged_ = false;
};

// --think: fixed (200ms), uniform (100ms-500ms) or exponential with a mean (exp:300ms).
struct ThinkTime {
  enum class Kind { fixed, uniform, exponential } kind = Kind::fixed;
  std::chrono::microseconds low{0};   // fixed: the pause; exponential: the mean
  std::chrono::microseconds high{0};  // uniform only
  bool any() const { return low.count() > 0 || high.count() > 0; }
  std::chrono::microseconds mean() const;
  std::chrono::microseconds sample(std::minstd_rand& rng) const;
};
std::variant<ThinkTime, std::string> parse_think(std::string_view text);
std::string to_string(const ThinkTime& t);  // as parse_think reads it

// --max-latency p95=200ms: the run fails when that percentile is above the limit.
struct PercentileLimit {
  double percentile = 99;  // 50 to 99.99
  std::chrono::microseconds limit{0};
};
std::variant<PercentileLimit, std::string> parse_percentile_limit(std::string_view text);
std::string percentile_name(double percentile);  // 99 -> "p99", 99.9 -> "p99.9"

}  // namespace sessdemo::loadgen
