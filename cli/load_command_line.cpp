// What `sessdemo load` was typed, read into its options and refused when it cannot run.
#include "cli/load_command_line.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <fstream>
#include <tuple>

#include <CLI/App.hpp>

#include "cli/load_shape_options.hpp"
#include "cli/options.hpp"
#include "loadgen/http/user_headers.hpp"
#include "loadgen/journey/journey.hpp"
#include "loadgen/scenario/locator.hpp"

namespace sessdemo::cli {

namespace {
using Refusal = std::optional<std::string>;  // why the command line cannot run, for exit 2

// --form-field and --login-field: NAME=VALUE, into the options' pairs.
Refusal read_fields(LoadCliOptions& o) {
  auto& l = o.load;
  for (auto [typed, into, flag] : {std::tuple{&o.form_fields, &l.form_fields, "--form-field"},
                                   std::tuple{&o.login_fields, &l.login_fields, "--login-field"}}) {
    into->clear();
    for (const auto& f : *typed) {
      auto eq = f.find('=');
      if (eq == 0 || eq == std::string::npos || f.find_first_of("\r\n") != std::string::npos)
        return std::string(flag) + " takes NAME=VALUE, not '" + f + "'";
      into->emplace_back(f.substr(0, eq), f.substr(eq + 1));
    }
  }
  if (!l.login_fields.empty() && l.login_path.empty()) return "--login-field needs --login-path";
  return std::nullopt;
}

// Header and field names, paths and files the app's options name.
Refusal check_app_names(const loadgen::LoadOptions& l) {
  if (!l.csrf_meta.empty() && !l.csrf_cookie.empty())
    return "give --csrf-meta or --csrf-cookie, not both";
  for (const auto* name : {&l.instance_header, &l.csrf_meta, &l.csrf_cookie})
    for (char c : *name)
      if (c <= 0x20 || c >= 0x7f || c == ':' || c == ';' || c == '=')
        return "--instance-header, --csrf-meta and --csrf-cookie must be printable ASCII without "
               "spaces, ':', ';' or '=': '" +
               *name + "'";
  if (l.instance_header.empty()) return "--instance-header cannot be empty";
  std::vector<const std::string*> paths{&l.write_path, &l.home_path, &l.details_path, &l.path,
                                        &l.logout_path};
  if (!l.login_path.empty()) paths.push_back(&l.login_path);
  for (const auto* path : paths)
    if (path->empty() || path->front() != '/' ||
        path->find_first_of(" \r\n\t") != std::string::npos)
      return "a path must start with / and hold no spaces: '" + *path + "'";
  if (!l.cacert.empty() && !std::ifstream(l.cacert))
    return "--cacert " + l.cacert + " cannot be read";
  for (char c : l.csrf_header + l.csrf_field)
    if (c <= 0x20 || c >= 0x7f || c == ':')
      return "--csrf-field and --csrf-header must be printable ASCII without spaces or ':'";
  return std::nullopt;
}

// --metrics-bind ADDR:PORT into the options: a numeric address, as a listener takes it.
Refusal read_metrics_bind(LoadCliOptions& o) {
  if (o.metrics_bind.empty()) return std::nullopt;
  auto e = parse_endpoints(o.metrics_bind, false, true);  // port 0: any free one, logged
  auto* list = std::get_if<std::vector<Endpoint>>(&e);
  unsigned char addr[16];
  auto numeric = [&](const std::string& h) {
    return inet_pton(AF_INET, h.c_str(), addr) == 1 || inet_pton(AF_INET6, h.c_str(), addr) == 1;
  };
  if (!list || list->size() != 1 || !numeric(list->front().host))
    return "--metrics-bind takes one numeric ADDR:PORT, like 127.0.0.1:9464, not '" +
           o.metrics_bind + "'";
  o.load.metrics_host = list->front().host;
  o.load.metrics_port = list->front().port;
  return std::nullopt;
}

// --shard I/N into the options.
Refusal read_shard(LoadCliOptions& o) {
  auto& l = o.load;
  if (o.shard.empty()) return std::nullopt;
  unsigned i = 0, n = 0;
  char extra = 0;
  if (std::sscanf(o.shard.c_str(), "%u/%u%c", &i, &n, &extra) != 2 || i < 1 || n < 1 || i > n)
    return "--shard must be I/N with 1 <= I <= N, like 2/3, not '" + o.shard + "'";
  l.shard_index = i;
  l.shard_count = n;  // N shards need N clients: checked by the run's plan (loadgen/run/runner.cpp)
  return std::nullopt;
}

// How long, how often and where to: the run's own figures.
Refusal check_run(const loadgen::LoadOptions& l) {
  if (l.duration.count() == 0 && !l.requests)
    return "--duration must be above 0 (or give --requests)";
  if (l.timeout < std::chrono::milliseconds(1)) return "--timeout must be at least 1ms";
  if ((l.csv == "-") + (l.json == "-") + (l.history == "-") + (l.junit == "-") > 1)
    return "only one of --csv, --json, --history and --junit can go to stdout (-); give the others "
           "a file";
  if (l.interval < std::chrono::milliseconds(10)) return "--interval must be at least 10ms";
  if ((l.scenario == loadgen::Scenario::counter || l.scenario == loadgen::Scenario::logout) &&
      l.rate > 0)
    return "the counter and logout scenarios run closed-model only (drop --rate)";
  return std::nullopt;
}
// --local-ips A-B,C: numeric addresses, and ranges of IPv4 ones, at most 65536 in all.
Refusal read_local_ips(LoadCliOptions& o) {
  auto& out = o.load.local_ips;
  out.clear();
  std::string_view rest = o.local_ips;
  auto bad = [&](std::string_view item) {
    return "--local-ips takes numeric addresses and IPv4 ranges A-B, like "
           "127.0.0.2-127.0.0.250,::1, not '" +
           std::string(item) + "'";
  };
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto dash = item.find('-');
    unsigned char a[16], b[4];
    if (dash == std::string_view::npos) {
      std::string s(item);
      if (inet_pton(AF_INET, s.c_str(), a) != 1 && inet_pton(AF_INET6, s.c_str(), a) != 1)
        return bad(item);
      out.push_back(s);
    } else {
      std::string from(item.substr(0, dash)), to(item.substr(dash + 1));
      if (inet_pton(AF_INET, from.c_str(), a) != 1 || inet_pton(AF_INET, to.c_str(), b) != 1)
        return bad(item);
      std::uint32_t lo = ntohl(*reinterpret_cast<std::uint32_t*>(a));
      std::uint32_t hi = ntohl(*reinterpret_cast<std::uint32_t*>(b));
      if (hi < lo || hi - lo >= 65536) return bad(item);
      for (std::uint64_t v = lo; v <= hi; ++v) {
        in_addr ia{htonl(static_cast<std::uint32_t>(v))};
        char text[INET_ADDRSTRLEN];
        out.emplace_back(inet_ntop(AF_INET, &ia, text, sizeof text));
      }
    }
    if (out.size() > 65536) return std::string("--local-ips names more than 65536 addresses");
  }
  return std::nullopt;
}

// --journey FILE: read, its places checked (a selector the tester reads, a pattern that compiles).
Refusal read_journey(LoadCliOptions& o) {
  if (o.journey.empty()) return std::nullopt;
  const auto& l = o.load;
  if (l.scenario != loadgen::Scenario::visit)
    return "--journey says what each client does: drop --scenario";
  if (!l.login_path.empty() || !l.csrf_field.empty() || !l.csrf_meta.empty() ||
      !l.csrf_cookie.empty() || !l.form_fields.empty())
    return "--journey says the app's logins, tokens and fields itself: drop --login-*, --csrf-* "
           "and --form-field (docs/journeys.md)";
  auto loaded = loadgen::load_journey(o.journey);
  if (auto* why = std::get_if<std::string>(&loaded)) return *why;
  auto& j = std::get<loadgen::Journey>(loaded);
  for (const auto& s : j.steps) {
    std::vector<const loadgen::Locator*> places;
    if (s.read) places.push_back(&*s.read);
    if (s.ack.shows) places.push_back(&*s.ack.shows);
    for (const auto& c : s.captures) places.push_back(&c.at);
    for (const auto* l : places)
      if (auto why = loadgen::check_locator(*l); !why.empty())
        return o.journey + ":" + std::to_string(s.line) + ": " + why;
  }
  o.load.journey = std::make_shared<const loadgen::Journey>(std::move(j));
  return std::nullopt;
}
}  // namespace

std::optional<std::string> read_load_command_line(LoadCliOptions& o, const CLI::App& app) {
  auto& l = o.load;
  l.instances = std::get<std::vector<Endpoint>>(parse_endpoints(o.instances, true));
  l.write_path_given = app.count("--write-path") > 0;
  if (l.requests && !app.count("--duration")) l.duration = std::chrono::microseconds{0};
  auto headers = loadgen::parse_user_headers(l.headers);
  if (auto bad = std::get_if<std::string>(&headers)) return *bad;
  Refusal refusal = read_shape(o, app);
  for (auto step : {+[](LoadCliOptions& o) { return read_fields(o); },
                    +[](LoadCliOptions& o) { return check_app_names(o.load); },
                    +[](LoadCliOptions& o) { return read_shard(o); },
                    +[](LoadCliOptions& o) { return read_metrics_bind(o); },
                    +[](LoadCliOptions& o) { return check_run(o.load); },
                    +[](LoadCliOptions& o) { return read_journey(o); },
                    +[](LoadCliOptions& o) { return read_local_ips(o); }})
    if (!refusal) refusal = step(o);
  return refusal;
}

}  // namespace sessdemo::cli
