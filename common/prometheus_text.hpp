#pragma once
// The Prometheus text exposition format (version 0.0.4), both ways: the one writer of the
// server's and the tester's /metrics pages, and the reader the demo (and the tests) read an
// instance's page with. The format: "# HELP name text" and "# TYPE name type" before a
// family's samples; a sample is `name{label="value",...} number`, a label value with
// backslash, double quote and newline escaped.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sessdemo {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  // Labels every sample of the page carries after its own (the tester's shard="I/N").
  explicit PrometheusText(MetricLabels on_every_sample = {})
      : common_(std::move(on_every_sample)) {}
  void reserve(std::size_t bytes) { text_.reserve(bytes); }

  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const MetricLabels& labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  // A histogram family from cumulative counts at each bound (counts.size() == bounds.size(),
  // the total is the +Inf bucket and the count), with the same labels on every sample.
  void histogram(std::string_view name, std::string_view help, const std::vector<double>& bounds,
                 const std::vector<double>& cumulative, double total, double sum,
                 const MetricLabels& labels = {}, bool with_head = true);

  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

  // A bound as a label value: printf's %g ("0.00025", "1", "+Inf" is the caller's).
  static std::string bound(double v);

 private:
  MetricLabels common_;
  std::string text_;
};

// One sample of a page, its labels unescaped.
struct MetricSample {
  std::string name;
  MetricLabels labels;
  double value = 0;
  std::optional<std::string> label(std::string_view key) const;
};

// Every sample of a page; comment lines are skipped, and so is a line that is not a sample
// (a reader of another program's page takes what it understands).
std::vector<MetricSample> parse_prometheus_text(std::string_view page);

// The sum of the samples called `name` whose labels include every one of `match` (all of them
// when match is empty); nothing when the page has no such sample.
std::optional<double> metric_sum(const std::vector<MetricSample>& samples, std::string_view name,
                                 const MetricLabels& match = {});

}  // namespace sessdemo
