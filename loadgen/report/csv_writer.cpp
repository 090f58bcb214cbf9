// --csv: the interval rows, per instance and "all", and the total row. The columns are one
// table: the header and every row are written from it, and a test compares its names with the
// ones docs/load.md lists.
#include "loadgen/report/csv_writer.hpp"

#include <cinttypes>

#include "loadgen/stats/figures.hpp"

namespace sessdemo::loadgen {

namespace {
// What a row is written from.
struct Row {
  std::optional<double> elapsed;  // empty on the total row
  double interval = 0;
  const std::string& instance;
  const InstanceStats& s;
  std::optional<std::int64_t> lost;  // the counter's lost updates: the total row only
  const IntervalLoad* load;          // the interval's load: nothing on the total row
};

void put(std::string& out, const char* format, auto... v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v...);
  out += buf;
}
void count(std::string& out, std::uint64_t n) {
  put(out, "%" PRIu64, n);
}

// An instance id as a cell: no separator, quote or newline; and a spreadsheet takes a cell that
// starts with = + - @ (or a tab or CR) for a formula, so such an id (a server's header, so
// untrusted) is written with a leading quote, as OWASP advises.
void cell_text(std::string& out, const std::string& text) {
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
    out += '\'';
  for (char ch : text) out += ch == ',' || ch == '"' || ch == '\n' ? '_' : ch;
}

struct Column {
  const char* name;
  void (*write)(std::string& out, const Row& r);
};

// Every column but the error kinds', which follow `resurrected` (one per kind).
constexpr Column before_errors[] = {
    {"elapsed_s",
     [](std::string& o, const Row& r) {
       if (r.elapsed) put(o, "%.3f", *r.elapsed);
     }},
    {"instance", [](std::string& o, const Row& r) { cell_text(o, r.instance); }},
    {"requests", [](std::string& o, const Row& r) { count(o, r.s.counters.requests); }},
    {"errors", [](std::string& o, const Row& r) { count(o, r.s.counters.errors); }},
    {"hits", [](std::string& o, const Row& r) { count(o, r.s.counters.hits); }},
    {"misses", [](std::string& o, const Row& r) { count(o, r.s.counters.misses); }},
    {"stale", [](std::string& o, const Row& r) { count(o, r.s.counters.stale); }},
    {"foreign", [](std::string& o, const Row& r) { count(o, r.s.counters.foreign); }},
    {"rps",
     [](std::string& o, const Row& r) {
       put(o, "%.1f",
           r.interval > 0 ? static_cast<double>(r.s.counters.requests) / r.interval : 0.0);
     }},
    {"p50_ms",
     [](std::string& o, const Row& r) { put(o, "%.3f", ms(r.s.latency.percentile(50))); }},
    {"p90_ms",
     [](std::string& o, const Row& r) { put(o, "%.3f", ms(r.s.latency.percentile(90))); }},
    {"p99_ms",
     [](std::string& o, const Row& r) { put(o, "%.3f", ms(r.s.latency.percentile(99))); }},
    {"p999_ms",
     [](std::string& o, const Row& r) { put(o, "%.3f", ms(r.s.latency.percentile(99.9))); }},
    {"max_ms", [](std::string& o, const Row& r) { put(o, "%.3f", ms(r.s.latency.max())); }},
    {"late", [](std::string& o, const Row& r) { count(o, r.s.counters.late); }},
    {"miss_rate",
     [](std::string& o, const Row& r) {
       put(o, "%.4f", ratio(r.s.counters.misses, r.s.counters.reads()));
     }},
    {"lost_updates",
     [](std::string& o, const Row& r) {
       if (r.lost) o += std::to_string(*r.lost);
     }},
    {"interval_s", [](std::string& o, const Row& r) { put(o, "%.3f", r.interval); }},
    {"service_p50_ms",
     [](std::string& o, const Row& r) { put(o, "%.3f", ms(r.s.service.percentile(50))); }},
    {"service_p99_ms",
     [](std::string& o, const Row& r) { put(o, "%.3f", ms(r.s.service.percentile(99))); }},
    {"resurrected", [](std::string& o, const Row& r) { count(o, r.s.counters.resurrected); }},
};
constexpr Column after_errors[] = {
    {"clients",
     [](std::string& o, const Row& r) {
       if (r.load) count(o, r.load->clients);
     }},
    {"target_rps",
     [](std::string& o, const Row& r) {
       if (r.load) put(o, "%.1f", r.load->target_rps);
     }},
    {"dropped",
     [](std::string& o, const Row& r) {
       if (r.load) count(o, r.load->dropped);
     }},
};
}  // namespace

std::vector<std::string> csv_columns() {
  std::vector<std::string> names;
  for (const auto& c : before_errors) names.emplace_back(c.name);
  for (std::size_t k = 0; k < error_kind_count; ++k)
    names.push_back(std::string("err_") + to_string(static_cast<ErrorKind>(k)));
  for (const auto& c : after_errors) names.emplace_back(c.name);
  return names;
}

CsvWriter::CsvWriter(std::FILE* out) : out_(out) {}

void CsvWriter::header() {
  std::string line;
  for (const auto& name : csv_columns()) line += (line.empty() ? "" : ",") + name;
  line += '\n';
  std::fputs(line.c_str(), out_);
}

void CsvWriter::row(std::optional<double> elapsed, double interval, const std::string& instance,
                    const InstanceStats& s, std::optional<std::int64_t> lost,
                    const IntervalLoad* load) {
  const Row r{elapsed, interval, instance, s, lost, load};
  std::string line;
  line.reserve(256);
  for (const auto& c : before_errors) {
    if (&c != before_errors) line += ',';
    c.write(line, r);
  }
  for (auto n : s.counters.error_kinds) {
    line += ',';
    count(line, n);
  }
  for (const auto& c : after_errors) {
    line += ',';
    c.write(line, r);
  }
  line += '\n';
  std::fputs(line.c_str(), out_);
}

void CsvWriter::total_row(double measured_s, const InstanceStats& total,
                          std::optional<std::int64_t> lost) {
  row(std::nullopt, measured_s, "total", total, lost);
  std::fflush(out_);
}

void CsvWriter::rows(double elapsed, double interval, const StatsTable& t,
                     const IntervalLoad& load) {
  for (const auto& [name, s] : t.instances) row(elapsed, interval, name, s, std::nullopt, &load);
  row(elapsed, interval, "all", t.total(), std::nullopt, &load);
  std::fflush(out_);
}

}  // namespace sessdemo::loadgen
