// `sessdemo check`: the history files read line by line, merged by time, judged, reported.
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <queue>

#include "common/printable.hpp"
#include "loadgen/history/bounded_read.hpp"
#include "loadgen/report/checks.hpp"
#include "loadgen/report/history_check.hpp"
#include "loadgen/report/junit.hpp"
#include "loadgen/report/outputs.hpp"

namespace sessdemo::loadgen {

namespace {
// A line of a history is one operation: a few hundred bytes. A longer one (a file that is no
// history, /dev/zero) is refused before it can take the memory.
constexpr std::size_t max_history_line = 64 * 1024;

struct Source {
  std::string name;
  std::unique_ptr<std::ifstream> file;  // none: stdin
  bool edn = false;
  std::uint64_t line = 0;
  std::int64_t last_time = INT64_MIN;
  HistoryOp op;
  std::istream& in() { return file ? *file : std::cin; }
};

// The next operation of a source into src.op; false at its end. Throws the one-line reason a
// line cannot be taken.
bool next(Source& src) {
  std::string line;
  bool too_long = false;
  while (read_line(src.in(), line, max_history_line, too_long)) {
    ++src.line;
    if (too_long)
      throw std::runtime_error(src.name + " line " + std::to_string(src.line) + ": longer than " +
                               std::to_string(max_history_line) + " bytes: not a history");
    if (line.empty() || line == "\r") continue;
    auto parsed = parse_history_line(line, src.edn);
    if (auto* err = std::get_if<std::string>(&parsed))
      throw std::runtime_error(src.name + " line " + std::to_string(src.line) + ": " + *err);
    src.op = std::move(std::get<HistoryOp>(parsed));
    if (src.op.time < src.last_time)
      throw std::runtime_error(
          src.name + " line " + std::to_string(src.line) +
          ": its time is earlier than the line before (a history is in time order)");
    src.last_time = src.op.time;
    return true;
  }
  return false;
}

void print(std::FILE* out, const HistoryVerdict& v, const std::vector<Check>& checks,
           const RunReport& r) {
  const auto& c = r.total.counters;
  std::fprintf(out,
               "sessdemo check: %llu events, %llu operations (%llu ok, %llu fail, %llu info), %llu "
               "keys, %s\n",
               static_cast<unsigned long long>(v.events),
               static_cast<unsigned long long>(v.operations), static_cast<unsigned long long>(v.ok),
               static_cast<unsigned long long>(v.failed),
               static_cast<unsigned long long>(v.unknown), static_cast<unsigned long long>(v.keys),
               to_string(v.scenario));
  if (v.scenario == Scenario::counter) {
    const auto& k = r.counter;
    std::fprintf(out,
                 "counters: %llu read, %lld adds acknowledged, %lld on the server, %lld lost, %lld "
                 "phantom, %llu not read\n",
                 static_cast<unsigned long long>(k.clients_checked),
                 static_cast<long long>(k.acknowledged), static_cast<long long>(k.final_total),
                 static_cast<long long>(k.lost_updates), static_cast<long long>(k.phantom_updates),
                 static_cast<unsigned long long>(k.unverified));
  } else {
    std::fprintf(
        out,
        "reads judged: %llu: %llu hits, %llu misses, %llu stale, %llu monotonic, %llu foreign, "
        "%llu refused-applied, %llu resurrected; %llu crossed instances\n",
        static_cast<unsigned long long>(c.reads()), static_cast<unsigned long long>(c.hits),
        static_cast<unsigned long long>(c.misses), static_cast<unsigned long long>(c.stale),
        static_cast<unsigned long long>(c.monotonic), static_cast<unsigned long long>(c.foreign),
        static_cast<unsigned long long>(c.refused_applied),
        static_cast<unsigned long long>(c.resurrected), static_cast<unsigned long long>(c.crossed));
  }
  if (r.late_writes) {
    std::fprintf(
        out,
        "late writes: %llu writes of unknown outcome took effect after a later acknowledged one "
        "(legal); the first:\n",
        static_cast<unsigned long long>(r.late_writes));
    std::fprintf(out, "  %s\n", printable(r.late.front(), 1000).c_str());
  }
  if (r.interrupted) std::fprintf(out, "the run was interrupted: its history ends early\n");
  // What the history holds came from servers: escaped, so no terminal sequence reaches the
  // terminal.
  for (const auto& f : v.faults) std::fprintf(out, "fault: %s\n", printable(f, 400).c_str());
  std::fprintf(out, "checks:\n");
  for (const auto& ch : checks)
    std::fprintf(out, "  %s  %-16s %s\n", check_label(ch.status), ch.name.c_str(),
                 ch.detail.c_str());
  if (!v.anomalies.empty()) {
    std::fprintf(out, "anomalies: %llu; the first %zu:\n",
                 static_cast<unsigned long long>(v.anomalies_total), v.anomalies.size());
    for (std::size_t i = 0; i < v.anomalies.size(); ++i)
      std::fprintf(out, "  %zu. %s: %s\n", i + 1, v.anomalies[i].kind.c_str(),
                   printable(v.anomalies[i].text, 1000).c_str());
  }
  std::string word = verdict(r, checks);
  for (auto& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::fprintf(out, "verdict: %s\n", word.c_str());
}
}  // namespace

int run_check(const CheckOptions& opts) {
  std::vector<Source> sources;
  for (const auto& name : opts.files) {
    Source s;
    s.name = name;
    s.edn = name.size() >= 4 && name.compare(name.size() - 4, 4, ".edn") == 0;
    if (name != "-") {
      s.file = std::make_unique<std::ifstream>(name);
      if (!*s.file) {
        std::fprintf(stderr, "sessdemo check: cannot read %s\n", name.c_str());
        return exit_code::usage;
      }
    }
    sources.push_back(std::move(s));
  }
  HistoryChecker checker;
  try {
    // The files merged by time, one line of each in memory.
    auto later = [&](std::size_t a, std::size_t b) {
      return sources[a].op.time > sources[b].op.time ||
             (sources[a].op.time == sources[b].op.time && a > b);
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heads(later);
    for (std::size_t i = 0; i < sources.size(); ++i)
      if (next(sources[i])) heads.push(i);
    while (!heads.empty()) {
      std::size_t i = heads.top();
      heads.pop();
      try {
        checker.add(sources[i].op);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(sources[i].name + " line " + std::to_string(sources[i].line) +
                                 ": " + e.what());
      }
      if (next(sources[i])) heads.push(i);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sessdemo check: %s\n", e.what());
    return exit_code::usage;
  }
  HistoryVerdict v = checker.finish();
  LoadOptions limits = opts.limits;
  limits.scenario = v.scenario;
  v.report.opts = &limits;
  auto checks = evaluate(v.report);
  if (!opts.junit.empty()) {
    OutputFile f(opts.junit);
    if (!f.get() || !write_junit(f.get(), v.report, checks, "sessdemo check")) {
      std::fprintf(stderr, "sessdemo check: cannot write %s\n", opts.junit.c_str());
      return exit_code::usage;
    }
  }
  if (!opts.quiet || exit_status(v.report, checks) != exit_code::pass)
    print(opts.junit == "-" ? stderr : stdout, v, checks, v.report);
  return exit_status(v.report, checks);
}

}  // namespace sessdemo::loadgen
