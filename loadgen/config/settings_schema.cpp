#include "loadgen/config/settings_schema.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>

#include <boost/json/serialize.hpp>

namespace sessdemo::loadgen {

namespace json = boost::json;
using us = std::chrono::microseconds;

namespace {
struct Field {
  const char* name;
  std::function<json::value(const LoadOptions&)> write;
  std::function<void(const json::value&, LoadOptions&)> read;  // empty: written only
};

[[noreturn]] void bad(const char* name, const json::value& v, const char* why) {
  throw std::runtime_error(std::string("settings field ") + name + " " + why + ": " +
                           json::serialize(v));
}
double number(const char* name, const json::value& v, double min, double max) {
  if (!v.is_number()) bad(name, v, "is not a number");
  double d = v.to_number<double>();
  if (!std::isfinite(d) || d < min || d > max) bad(name, v, "is out of range");
  return d;
}
std::string text(const char* name, const json::value& v) {
  if (!v.is_string()) bad(name, v, "is not a string");
  return std::string(v.as_string());
}
bool flag(const char* name, const json::value& v) {
  if (!v.is_bool()) bad(name, v, "is not true or false");
  return v.as_bool();
}
us seconds_of(const char* name, const json::value& v) {
  return us(static_cast<long long>(std::llround(number(name, v, 0, 1e9) * 1e6)));
}
json::value seconds(us d) {
  return static_cast<double>(d.count()) / 1e6;
}
json::array names_of(const std::vector<std::pair<std::string, std::string>>& fields) {
  json::array out;
  for (const auto& f : fields) out.emplace_back(f.first);
  return out;
}
// The names of the -H headers only: their values may be secrets (API keys).
json::array header_names(const std::vector<std::string>& headers) {
  json::array out;
  for (const auto& h : headers) out.emplace_back(h.substr(0, h.find(':')));
  return out;
}

// A string setting read back as it was written.
Field string_field(const char* name, std::string LoadOptions::*member) {
  return {name, [member](const LoadOptions& o) { return json::value(o.*member); },
          [name, member](const json::value& v, LoadOptions& o) { o.*member = text(name, v); }};
}
template <typename T>
Field count_field(const char* name, T LoadOptions::*member, double max) {
  return {name, [member](const LoadOptions& o) { return json::value(o.*member); },
          [name, member, max](const json::value& v, LoadOptions& o) {
            o.*member = static_cast<T>(number(name, v, 0, max));
          }};
}
Field fraction_field(const char* name, double LoadOptions::*member) {
  return {
      name, [member](const LoadOptions& o) { return json::value(o.*member); },
      [name, member](const json::value& v, LoadOptions& o) { o.*member = number(name, v, 0, 1); }};
}
Field duration_field(const char* name, us LoadOptions::*member) {
  return {
      name, [member](const LoadOptions& o) { return seconds(o.*member); },
      [name, member](const json::value& v, LoadOptions& o) { o.*member = seconds_of(name, v); }};
}

// An enum setting, written by its name and read back by the same parser the command line uses.
template <typename E>
Field enum_field(const char* name, E LoadOptions::*member,
                 std::optional<E> (*parse)(std::string_view), const char* (*name_of)(E)) {
  return {name, [member, name_of](const LoadOptions& o) { return json::value(name_of(o.*member)); },
          [name, member, parse](const json::value& v, LoadOptions& o) {
            auto e = parse(text(name, v));
            if (!e) bad(name, v, "is not one of its names");
            o.*member = *e;
          }};
}

// A setting written as the command line spells it, and read back by the command line's parser.
template <typename T>
Field spelled_field(const char* name, T LoadOptions::*member,
                    std::variant<T, std::string> (*parse)(std::string_view)) {
  return {name, [member](const LoadOptions& o) { return json::value(to_string(o.*member)); },
          [name, member, parse](const json::value& v, LoadOptions& o) {
            auto r = parse(text(name, v));
            if (auto* why = std::get_if<std::string>(&r)) bad(name, v, why->c_str());
            o.*member = std::get<T>(std::move(r));
          }};
}
std::variant<std::vector<Stage>, std::string> stages_or_none(std::string_view t) {
  if (t.empty()) return std::vector<Stage>{};
  return parse_stages(t);
}

// Percentile limits as {"p95": milliseconds, ...}.
Field limits_field(const char* name, std::vector<PercentileLimit> LoadOptions::*member) {
  return {name,
          [member](const LoadOptions& o) {
            json::object out;
            for (const auto& l : o.*member)
              out[percentile_name(l.percentile)] = static_cast<double>(l.limit.count()) / 1000.0;
            return json::value(std::move(out));
          },
          [name, member](const json::value& v, LoadOptions& o) {
            if (!v.is_object()) bad(name, v, "is not an object");
            (o.*member).clear();
            for (const auto& [pct, ms] : v.as_object()) {
              auto us_text = std::to_string(std::llround(number(name, ms, 0, 1e9) * 1000)) + "us";
              auto r = parse_percentile_limit(std::string(pct) + "=" + us_text);
              if (auto* why = std::get_if<std::string>(&r)) bad(name, v, why->c_str());
              (o.*member).push_back(std::get<PercentileLimit>(r));
            }
          }};
}

// The instances as typed (https:// kept), read back by the command line's parser.
Field instances_field() {
  return {"instances",
          [](const LoadOptions& o) {
            json::array a;
            for (const auto& i : o.instances)
              a.emplace_back((i.tls ? "https://" : "") + i.to_string());
            return json::value(std::move(a));
          },
          [](const json::value& v, LoadOptions& o) {
            if (!v.is_array()) bad("instances", v, "is not a list");
            o.instances.clear();
            for (const auto& i : v.as_array()) {
              auto r = parse_endpoints(text("instances", i), true);
              auto* e = std::get_if<std::vector<Endpoint>>(&r);
              if (!e || e->size() != 1) bad("instances", i, "is not an address");
              o.instances.push_back(e->front());
            }
          }};
}

// null: a form write goes to its form's action.
Field write_path_field() {
  return {"write_path",
          [](const LoadOptions& o) {
            return o.write == LoadOptions::Write::json || o.write_path_given
                       ? json::value(o.write_path)
                       : json::value(nullptr);
          },
          [](const json::value& v, LoadOptions& o) {
            o.write_path_given = !v.is_null();
            if (!v.is_null()) o.write_path = text("write_path", v);
          }};
}

// null: the automatic least number of crossed reads.
Field min_crossing_field() {
  return {"min_crossing",
          [](const LoadOptions& o) {
            return o.min_crossing < 0 ? json::value(nullptr) : json::value(o.min_crossing);
          },
          [](const json::value& v, LoadOptions& o) {
            o.min_crossing =
                v.is_null() ? -1 : static_cast<std::int64_t>(number("min_crossing", v, 0, 1e15));
          }};
}

const std::vector<Field>& schema() {
  static const std::vector<Field> fields = {
      instances_field(),
      count_field("clients", &LoadOptions::clients, 1e6),
      duration_field("duration_s", &LoadOptions::duration),
      count_field("requests", &LoadOptions::requests, static_cast<double>(std::uint64_t{1} << 50)),
      duration_field("warmup_s", &LoadOptions::warmup),
      enum_field<Balance>("balance", &LoadOptions::balance, parse_balance, to_string),
      spelled_field<ThinkTime>("think", &LoadOptions::think, parse_think),
      spelled_field<std::vector<Stage>>("stages", &LoadOptions::stages, stages_or_none),
      {"rate", [](const LoadOptions& o) { return json::value(o.rate); },
       [](const json::value& v, LoadOptions& o) { o.rate = number("rate", v, 0, 1e7); }},
      enum_field<Scenario>("scenario", &LoadOptions::scenario, parse_scenario, to_string),
      string_field("home_path", &LoadOptions::home_path),
      string_field("details_path", &LoadOptions::details_path),
      string_field("path", &LoadOptions::path),
      string_field("name_field", &LoadOptions::name_field),
      enum_field<LoadOptions::Write>("write", &LoadOptions::write, parse_write, to_string),
      string_field("write_method", &LoadOptions::write_method),
      write_path_field(),
      {"form_field_names",
       [](const LoadOptions& o) { return json::value(names_of(o.form_fields)); },
       {}},
      string_field("csrf_field", &LoadOptions::csrf_field),
      string_field("csrf_header", &LoadOptions::csrf_header),
      string_field("csrf_meta", &LoadOptions::csrf_meta),
      string_field("csrf_cookie", &LoadOptions::csrf_cookie),
      string_field("login_path", &LoadOptions::login_path),
      {"login_field_names",
       [](const LoadOptions& o) { return json::value(names_of(o.login_fields)); },
       {}},
      count_field("max_redirects", &LoadOptions::max_redirects, 100),
      string_field("instance_header", &LoadOptions::instance_header),
      {"header_names",
       [](const LoadOptions& o) { return json::value(header_names(o.headers)); },
       {}},
      string_field("cacert", &LoadOptions::cacert),
      {"insecure", [](const LoadOptions& o) { return json::value(o.insecure); },
       [](const json::value& v, LoadOptions& o) { o.insecure = flag("insecure", v); }},
      count_field("rename_every", &LoadOptions::rename_every, 1e6),
      count_field("inflight", &LoadOptions::inflight, 1000),
      duration_field("timeout_s", &LoadOptions::timeout),
      duration_field("interval_s", &LoadOptions::interval),
      fraction_field("max_miss_rate", &LoadOptions::max_miss_rate),
      fraction_field("max_stale_rate", &LoadOptions::max_stale_rate),
      fraction_field("max_error_rate", &LoadOptions::max_error_rate),
      count_field("max_lost_updates", &LoadOptions::max_lost_updates,
                  static_cast<double>(std::uint64_t{1} << 50)),
      count_field("max_resurrected", &LoadOptions::max_resurrected,
                  static_cast<double>(std::uint64_t{1} << 50)),
      string_field("logout_path", &LoadOptions::logout_path),
      string_field("logout_method", &LoadOptions::logout_method),
      string_field("counter_path", &LoadOptions::counter_path),
      string_field("session_path", &LoadOptions::session_path),
      limits_field("max_latency_ms", &LoadOptions::max_latency),
      limits_field("max_service_ms", &LoadOptions::max_service),
      {"min_rps", [](const LoadOptions& o) { return json::value(o.min_rps); },
       [](const json::value& v, LoadOptions& o) { o.min_rps = number("min_rps", v, 0, 1e9); }},
      fraction_field("min_rate_fraction", &LoadOptions::min_rate_fraction),
      {"abort_on_fail", [](const LoadOptions& o) { return json::value(o.abort_on_fail); },
       [](const json::value& v, LoadOptions& o) { o.abort_on_fail = flag("abort_on_fail", v); }},
      duration_field("abort_grace_s", &LoadOptions::abort_grace),
      min_crossing_field(),
      string_field("run_id", &LoadOptions::run_id),
      count_field("shard_index", &LoadOptions::shard_index, 1e6),
      count_field("shard_count", &LoadOptions::shard_count, 1e6),
  };
  return fields;
}
}  // namespace

json::object settings_json(const LoadOptions& opts) {
  json::object out;
  for (const auto& f : schema()) out[f.name] = f.write(opts);
  return out;
}

LoadOptions options_from_json(const json::object& settings) {
  LoadOptions o;
  for (const auto& f : schema()) {
    if (!f.read) continue;
    const json::value* v = settings.if_contains(f.name);
    if (!v) throw std::runtime_error(std::string("settings field ") + f.name + " is missing");
    f.read(*v, o);
  }
  return o;
}

}  // namespace sessdemo::loadgen
