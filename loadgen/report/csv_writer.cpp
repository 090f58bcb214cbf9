// --csv: the interval rows, per instance and "all", and the total row.
#include "loadgen/report/csv_writer.hpp"

#include <cinttypes>

#include "loadgen/stats/figures.hpp"

namespace sessdemo::loadgen {

CsvWriter::CsvWriter(std::FILE* out) : out_(out) {}

void CsvWriter::header() {
  std::fprintf(
      out_,
      "elapsed_s,instance,requests,errors,hits,misses,stale,foreign,rps,p50_ms,p90_ms,p99_ms,"
      "p999_ms,max_ms,late,miss_rate,lost_updates,interval_s,service_p50_ms,service_p99_ms,"
      "resurrected");
  for (std::size_t k = 0; k < error_kind_count; ++k)
    std::fprintf(out_, ",err_%s", to_string(static_cast<ErrorKind>(k)));
  std::fputs(",clients,target_rps,dropped\n", out_);
}

void CsvWriter::row(std::optional<double> elapsed, double interval, const std::string& instance,
                    const InstanceStats& s, std::optional<std::int64_t> lost,
                    const IntervalLoad* load) {
  const auto& c = s.counters;
  std::string name = instance;
  for (char& ch : name)
    if (ch == ',' || ch == '"' || ch == '\n') ch = '_';
  // A spreadsheet takes a cell that starts with = + - @ (or a tab or CR) for a formula: such an
  // id (a server's header, so untrusted) is written with a leading quote, as OWASP advises.
  if (!name.empty() && std::string_view("=+-@\t\r").find(name.front()) != std::string_view::npos)
    name.insert(0, 1, '\'');
  char at[32] = "";
  if (elapsed) std::snprintf(at, sizeof at, "%.3f", *elapsed);
  std::fprintf(out_,
               "%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
               ",%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%" PRIu64 ",%.4f,%s,%.3f,%.3f,%.3f",
               at, name.c_str(), c.requests, c.errors, c.hits, c.misses, c.stale, c.foreign,
               interval > 0 ? static_cast<double>(c.requests) / interval : 0.0,
               ms(s.latency.percentile(50)), ms(s.latency.percentile(90)),
               ms(s.latency.percentile(99)), ms(s.latency.percentile(99.9)), ms(s.latency.max()),
               c.late, ratio(c.misses, c.reads()), lost ? std::to_string(*lost).c_str() : "",
               interval, ms(s.service.percentile(50)), ms(s.service.percentile(99)));
  std::fprintf(out_, ",%" PRIu64, c.resurrected);
  for (auto n : c.error_kinds) std::fprintf(out_, ",%" PRIu64, n);
  if (load)
    std::fprintf(out_, ",%" PRIu64 ",%.1f,%" PRIu64 "\n", load->clients, load->target_rps,
                 load->dropped);
  else
    std::fputs(",,,\n", out_);
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
