#include "loadgen/report/merge.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "loadgen/config/settings_schema.hpp"
#include "loadgen/report/checks.hpp"
#include "loadgen/report/counter_fields.hpp"
#include "loadgen/report/outputs.hpp"
#include "loadgen/report/summary.hpp"

namespace sessdemo::loadgen {

namespace json = boost::json;

namespace {
// Settings that differ between the shards of one run: which shard, and what each machine chose.
const std::set<std::string> per_shard{"shard_index", "threads", "connections_per_instance"};

// The files are input like any other: every count a whole number from 0 to 2^53 (what a run
// can reach, and what JSON readers take exactly), so that sums over the shards cannot wrap.
constexpr std::uint64_t max_count = std::uint64_t{1} << 53;

std::uint64_t count_at(const json::object& o, const char* key) {
  const json::value& v = o.at(key);
  if (!v.is_int64() && !v.is_uint64())
    throw std::runtime_error(std::string("field ") + key + " is not a whole number");
  if (v.is_int64() ? v.as_int64() < 0 || static_cast<std::uint64_t>(v.as_int64()) > max_count
                   : v.as_uint64() > max_count)
    throw std::runtime_error(std::string("field ") + key +
                             " is out of range (0 to 2^53): " + json::serialize(v));
  return v.to_number<std::uint64_t>();
}

double number_at(const json::object& o, const char* key, double min, double max) {
  double v = o.at(key).to_number<double>();
  if (!std::isfinite(v) || v < min || v > max)
    throw std::runtime_error(std::string("field ") + key +
                             " is out of range: " + json::serialize(o.at(key)));
  return v;
}

SparseHistogram histogram_of(const json::value& v) {
  SparseHistogram h;
  const auto& o = v.as_object();
  h.count = count_at(o, "count");
  h.min = o.at("min_us").to_number<std::int64_t>();
  h.max = o.at("max_us").to_number<std::int64_t>();
  h.sum = o.at("sum_us").to_number<std::int64_t>();
  std::uint64_t in_buckets = 0;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> read;
  for (const auto& b : o.at("buckets").as_array()) {
    const auto& pair = b.as_array();
    auto index = pair.at(0).to_number<std::uint32_t>();
    if (index >= Histogram::bucket_count())
      throw std::runtime_error("a histogram bucket is out of range");
    auto n = pair.at(1).to_number<std::uint64_t>();
    if (n > max_count) throw std::runtime_error("a histogram bucket count is out of range");
    in_buckets += n;
    read.emplace_back(index, n);
  }
  // In index order, one entry a bucket (a file written by hand may repeat or reorder them).
  std::sort(read.begin(), read.end());
  for (std::size_t k = 0; k < read.size(); ++k) {
    auto n = read[k].second;
    while (k + 1 < read.size() && read[k + 1].first == read[k].first) n += read[++k].second;
    h.append(read[k].first, n);
  }
  if (in_buckets != h.count || h.min < 0 || h.max < h.min || h.sum < 0)
    throw std::runtime_error("a histogram's count, min, max or sum disagrees with its buckets");
  return h;
}

Counters counters_of(const json::object& o) {
  Counters c;
  for (const auto& f : counter_fields)
    if (f.required || o.contains(f.name)) c.*f.member = count_at(o, f.name);
  // Connection opening, where the file has it (figures, not interval counters).
  auto timings = [&](const char* key, Timings& t) {
    if (const auto* v = o.if_contains(key)) {
      const auto& f = v->as_object();
      t.count = count_at(f, "count");
      constexpr double max_ms = 1e15;  // 30 years of connecting: more is no run's figure
      t.total_us = static_cast<std::uint64_t>(number_at(f, "total_ms", 0, max_ms) * 1000.0 + 0.5);
      t.max_us = static_cast<std::uint64_t>(number_at(f, "max_ms", 0, max_ms) * 1000.0 + 0.5);
    }
  };
  timings("connect", c.connects);
  timings("tls", c.handshakes);
  const auto& kinds = o.at("errors_by_kind").as_object();
  std::uint64_t by_kind = 0;
  for (std::size_t k = 0; k < error_kind_count; ++k) {
    const char* name = to_string(static_cast<ErrorKind>(k));
    if (kinds.contains(name)) by_kind += c.error_kinds[k] = count_at(kinds, name);
  }
  // What the tester writes always holds; a file where it does not was edited or broken.
  if (by_kind != c.errors)
    throw std::runtime_error("field errors_by_kind does not add up to errors");
  if (c.errors > c.requests || c.status_5xx > c.errors || c.reads() > c.requests)
    throw std::runtime_error("fields errors, errors_5xx and the reads are more than requests");
  return c;
}

InstanceStats stats_of(const json::object& o, const std::vector<std::string>& addresses) {
  InstanceStats s;
  s.counters = counters_of(o);
  const auto& h = o.at("histograms").as_object();
  s.latency = histogram_of(h.at("latency")).expand();
  s.service = histogram_of(h.at("service")).expand();
  for (const auto& [kind, hv] : h.at("latency_by_kind").as_object())
    for (std::size_t k = 0; k < s.by_kind.size(); ++k)
      if (kind == to_string(static_cast<Kind>(k))) s.by_kind[k] = histogram_of(hv).expand();
  if (auto* a = o.if_contains("addresses"))
    for (const auto& x : a->as_array()) {
      auto it = std::find(addresses.begin(), addresses.end(), std::string(x.as_string()));
      if (it != addresses.end()) s.note_address(static_cast<std::uint16_t>(it - addresses.begin()));
    }
  return s;
}

// One shard's figures added to the merged run: per instance, the counter totals, per interval.
void add_figures(const json::object& d, RunReport& r) {
  // As the tester does: at most 64 instance ids kept apart, the rest pooled as "other".
  for (const auto& [id, fig] : d.at("instances").as_object()) {
    std::string key(id);
    if (!r.table.instances.count(key) && r.table.instances.size() >= max_instance_ids)
      key = overflow_instance;
    r.table.at(key).merge(stats_of(fig.as_object(), r.addresses));
  }
  if (auto* c = d.if_contains("counter")) {
    const auto& k = c->as_object();
    // None negative: a shard's negative lost updates would cancel another's.
    r.counter.clients_checked += count_at(k, "clients_checked");
    r.counter.unverified += count_at(k, "unverified");
    r.counter.acknowledged += static_cast<std::int64_t>(count_at(k, "acknowledged"));
    r.counter.final_total += static_cast<std::int64_t>(count_at(k, "final_total"));
    r.counter.lost_updates += static_cast<std::int64_t>(count_at(k, "lost_updates"));
    r.counter.phantom_updates += static_cast<std::int64_t>(count_at(k, "phantom_updates"));
    if (k.contains("crossed")) r.counter.crossed += count_at(k, "crossed");
  }
  if (auto* h = d.if_contains("history"); h && h->is_object()) {
    const auto& k = h->as_object();
    r.late_writes += count_at(k, "late_writes");
    r.anomalies_total += count_at(k, "anomalies_total");
  }
  const auto& ivs = d.at("intervals").as_array();
  if (r.intervals.size() < ivs.size()) r.intervals.resize(ivs.size());
  for (std::size_t i = 0; i < ivs.size(); ++i) {
    const auto& iv = ivs[i].as_object();
    auto& m = r.intervals[i];
    m.elapsed_s = std::max(m.elapsed_s, iv.at("elapsed_s").to_number<double>());
    m.interval_s = std::max(m.interval_s, iv.at("interval_s").to_number<double>());
    // The shards' loads add up (files of older versions have none).
    if (iv.contains("clients")) m.load.clients += count_at(iv, "clients");
    if (iv.contains("dropped")) m.load.dropped += count_at(iv, "dropped");
    if (auto* t = iv.if_contains("target_rps")) m.load.target_rps += t->to_number<double>();
    for (const auto& [id, fig] : iv.at("instances").as_object()) {
      auto& f = m.instances[std::string(id)];
      f.counters.merge(counters_of(fig.as_object()));
      f.latency.merge(histogram_of(fig.at("latency")));
      f.service.merge(histogram_of(fig.at("service")));
    }
  }
}

}  // namespace

namespace {
// Boost.JSON's what() names its own source file and line: the user gets the reason only.
std::string reason_of(const std::exception& e) {
  if (auto* se = dynamic_cast<const boost::system::system_error*>(&e)) return se->code().message();
  std::string why = e.what();
  return why.substr(0, why.find(" ["));
}

// " (name: this against that)": the first setting in which a shard differs from the first one.
std::string first_difference(const json::object& same, const json::object& first) {
  for (const auto& [k, val] : same)
    if (!first.contains(k) || first.at(k) != val)
      return " (" + std::string(k) + ": " + json::serialize(val) + " against " +
             (first.contains(k) ? json::serialize(first.at(k)) : "none") + ")";
  return "";
}

// A shard's part of the run's own figures: threads, connections, time, drops, the abort.
void add_run_figures(const std::string& name, const json::object& d, const json::object& settings,
                     RunReport& r) {
  r.threads += settings.at("threads").to_number<unsigned>();
  r.connections_per_instance += settings.at("connections_per_instance").to_number<unsigned>();
  r.measured_s = std::max(r.measured_s, number_at(d, "measured_s", 0, 1e9));
  r.interrupted = r.interrupted || d.at("interrupted").as_bool();
  const auto& total = d.at("total").as_object();
  if (total.contains("dropped")) r.dropped += count_at(total, "dropped");
  if (auto* s = total.if_contains("scheduled")) r.scheduled += s->to_number<double>();
  if (total.contains("ticks_sent")) r.ticks_sent += count_at(total, "ticks_sent");
  if (auto* a = d.if_contains("aborted"); a && a->is_string() && r.aborted.empty())
    r.aborted = name + " " + std::string(a->as_string());
}
}  // namespace

std::variant<MergedRun, std::string> merge_documents(
    const std::vector<std::pair<std::string, std::string>>& docs) {
  if (docs.empty()) return std::string("no files to merge");
  MergedRun out;
  auto& r = out.report;
  json::object first_settings;
  std::set<unsigned> shards;
  unsigned count = 0;
  r.shards_merged = 0;
  for (const auto& [name, text] : docs) {
    try {
      json::error_code ec;
      auto v = json::parse(text, ec);
      if (ec || !v.is_object())
        return name + ": not JSON" + (ec ? " (" + ec.message() + ")" : std::string());
      const auto& d = v.as_object();
      auto* format = d.if_contains("format");
      if (!format || format->to_number<int>() != 2 || !d.if_contains("tool") ||
          d.at("tool").as_string() != "sessdemo load")
        return name + ": not the JSON of `sessdemo load --json` (format 2)";
      auto settings = d.at("settings").as_object();
      unsigned index = settings.at("shard_index").to_number<unsigned>();
      unsigned n = settings.at("shard_count").to_number<unsigned>();
      json::object same = settings;
      for (const auto& k : per_shard) same.erase(k);
      if (r.shards_merged == 0) {
        first_settings = same;
        out.opts = options_from_json(settings);
        count = n;
        for (const auto& a : d.at("addresses").as_array()) r.addresses.emplace_back(a.as_string());
        r.started_at = std::string(d.at("started_at").as_string());
        r.run_tag = std::string(d.at("run_tag").as_string());
      } else {
        if (settings.at("run_id") != first_settings.at("run_id"))
          return name + ": another run (run id '" + std::string(settings.at("run_id").as_string()) +
                 "', not '" + std::string(first_settings.at("run_id").as_string()) + "')";
        if (same != first_settings)
          return name + ": other settings than " + docs.front().first +
                 first_difference(same, first_settings);
        r.started_at = std::min(r.started_at, std::string(d.at("started_at").as_string()));
        r.run_tag += "+" + std::string(d.at("run_tag").as_string());
      }
      if (!shards.insert(index).second)
        return name + ": shard " + std::to_string(index) + "/" + std::to_string(n) +
               " is given twice";
      r.shards_merged++;
      out.starts.emplace_back(name, d.contains("measured_start_unix_s")
                                        ? d.at("measured_start_unix_s").to_number<double>()
                                        : 0.0);
      add_run_figures(name, d, settings, r);
      add_figures(d, r);
    } catch (const std::exception& e) {
      return name + ": not a complete sessdemo load JSON (" + reason_of(e) + ")";
    }
  }
  for (unsigned i = 1; i <= count; ++i)
    if (!shards.count(i))
      return "shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing";
  if (r.shards_merged != count)
    return "the files hold " + std::to_string(r.shards_merged) + " shards of " +
           std::to_string(count);
  for (const auto& [name, start] : out.starts)
    if (start > 0 && (r.measured_start_unix_s == 0 || start < r.measured_start_unix_s))
      r.measured_start_unix_s = start;
  r.total = r.table.total();
  return out;
}

}  // namespace sessdemo::loadgen
