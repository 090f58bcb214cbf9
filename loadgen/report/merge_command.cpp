// `sessdemo merge` as a command: the files read, merged (merge.cpp), checked, summarised and
// written as `load` writes them.
#include "loadgen/report/merge_command.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "common/exit_status.hpp"
#include "loadgen/history/bounded_read.hpp"
#include "loadgen/report/checks.hpp"
#include "loadgen/report/junit.hpp"
#include "loadgen/report/outputs.hpp"
#include "loadgen/report/summary.hpp"

namespace sessdemo::loadgen {

namespace {
// A run's JSON is a few MB (a long run with many intervals and instances: tens); past this it is
// no run of ours, and it is refused before it takes the memory.
constexpr std::size_t max_run_json = 256u << 20;

bool read_inputs(const std::vector<std::string>& files,
                 std::vector<std::pair<std::string, std::string>>& docs) {
  for (const auto& f : files) {
    if (f == "-") {
      int n = 0;
      std::string line;
      bool too_long = false;
      while (read_line(std::cin, line, max_run_json, too_long)) {
        if (too_long) {
          std::fprintf(stderr, "sessdemo merge: stdin document %d is longer than %zu bytes\n",
                       n + 1, max_run_json);
          return false;
        }
        if (!line.empty()) docs.emplace_back("stdin document " + std::to_string(++n), line);
      }
      continue;
    }
    auto text = read_bounded_file(f, max_run_json);
    if (auto* e = std::get_if<ReadError>(&text)) {
      std::fprintf(stderr, "sessdemo merge: %s\n", e->message.c_str());
      return false;
    }
    docs.emplace_back(f, std::move(std::get<std::string>(text)));
  }
  return true;
}
}  // namespace

std::string start_skew(const MergedRun& m, std::string& warning) {
  warning.clear();
  const auto& s = m.starts;
  if (s.size() < 2 || std::any_of(s.begin(), s.end(), [](const auto& x) { return x.second <= 0; }))
    return "";  // one shard, or files of a version that did not say
  auto [lo, hi] = std::minmax_element(
      s.begin(), s.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  double skew = hi->second - lo->second;
  double interval = std::chrono::duration<double>(m.opts.interval).count();
  char text[400];
  std::snprintf(
      text, sizeof text,
      "the shards' measured starts differ by %.3f s (%s at %.3f, %s at %.3f; the interval is "
      "%g s): start them together with --start-at",
      skew, lo->first.c_str(), lo->second, hi->first.c_str(), hi->second, interval);
  if (skew > interval) return text;
  if (skew > interval / 10) warning = text;
  return "";
}

int run_merge(const MergeOptions& mo) {
  std::vector<std::pair<std::string, std::string>> docs;
  if (!read_inputs(mo.files, docs)) return exit_code::usage;
  auto merged = merge_documents(docs);
  if (auto* err = std::get_if<std::string>(&merged)) {
    std::fprintf(stderr, "sessdemo merge: %s\n", err->c_str());
    return exit_code::usage;
  }
  auto& m = std::get<MergedRun>(merged);
  std::string warning;
  if (auto refused = start_skew(m, warning); !refused.empty()) {
    std::fprintf(stderr, "sessdemo merge: %s\n", refused.c_str());
    return exit_code::usage;
  }
  if (!warning.empty()) std::fprintf(stderr, "sessdemo merge: warning: %s\n", warning.c_str());
  m.opts.csv = mo.csv;
  m.opts.json = mo.json;
  m.opts.quiet = mo.quiet;
  m.report.opts = &m.opts;
  auto& r = m.report;
  auto checks = evaluate(r);
  std::unique_ptr<OutputFile> csv_file, json_file;
  if (!mo.csv.empty()) {
    csv_file = std::make_unique<OutputFile>(mo.csv);
    if (!csv_file->get()) {
      std::fprintf(stderr, "sessdemo merge: cannot write %s\n", mo.csv.c_str());
      return exit_code::usage;
    }
    CsvWriter csv(csv_file->get());
    csv.header();
    for (const auto& iv : r.intervals) csv.rows(iv.elapsed_s, iv.interval_s, table_of(iv), iv.load);
    csv.total_row(r.measured_s, r.total,
                  m.opts.scenario == Scenario::counter
                      ? std::optional<std::int64_t>(r.counter.lost_updates)
                      : std::nullopt);
  }
  if (!mo.json.empty()) {
    json_file = std::make_unique<OutputFile>(mo.json);
    if (!json_file->get()) {
      std::fprintf(stderr, "sessdemo merge: cannot write %s\n", mo.json.c_str());
      return exit_code::usage;
    }
    if (!write_json(json_file->get(), r, checks)) {
      std::fprintf(stderr, "sessdemo merge: writing %s failed\n", mo.json.c_str());
      return exit_code::usage;
    }
  }
  std::unique_ptr<OutputFile> junit_file;
  if (!mo.junit.empty()) {
    junit_file = std::make_unique<OutputFile>(mo.junit);
    if (!junit_file->get() || !write_junit(junit_file->get(), r, checks, "sessdemo merge")) {
      std::fprintf(stderr, "sessdemo merge: cannot write %s\n", mo.junit.c_str());
      return exit_code::usage;
    }
  }
  bool stdout_taken = (csv_file && csv_file->is_stdout()) ||
                      (json_file && json_file->is_stdout()) ||
                      (junit_file && junit_file->is_stdout());
  if (!mo.quiet || exit_status(r, checks) != 0)
    write_summary(stdout_taken ? stderr : stdout, r, checks);
  return exit_status(r, checks);
}

}  // namespace sessdemo::loadgen
