#pragma once
// Everything `sessdemo load` can be told. Filled by cli/load_cmd.cpp; echoed into the JSON.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/endpoint.hpp"
#include "common/name_table.hpp"
#include "common/page_contract.hpp"
#include "loadgen/config/balancer.hpp"
#include "loadgen/config/load_shape.hpp"

namespace sessdemo::loadgen {

struct Journey;  // loadgen/journey/journey.hpp

enum class Scenario {
  visit,    // home, write a name, read Details, rename every K reads; every read judged
  get,      // plain GETs of one path with the client's cookies; no judgements
  counter,  // K concurrent increments per client; lost updates counted at the end
  logout,   // a name, K increments in flight, a logout among them, then a read by the old cookie
};
inline constexpr NameTable<Scenario, 4> scenario_names{{{{Scenario::visit, "visit"},
                                                         {Scenario::get, "get"},
                                                         {Scenario::counter, "counter"},
                                                         {Scenario::logout, "logout"}}}};
inline const char* to_string(Scenario s) {
  return scenario_names.name(s);
}
inline std::optional<Scenario> parse_scenario(std::string_view name) {
  return scenario_names.parse(name);
}

// The slice of the clients (and of --rate and --requests) that shard I of N runs: clients
// [floor((I-1)C/N), floor(IC/N)), so N shards run exactly the C clients of one process.
struct ShardSlice {
  std::uint32_t first_client = 0;
  std::uint32_t clients = 0;
  double share = 1;  // clients / all clients: this shard's part of --rate and --requests
};

struct LoadOptions;
ShardSlice shard_slice(const LoadOptions& o);

struct LoadOptions {
  std::vector<Endpoint> instances;  // where requests go (a balancer counts as one)
  unsigned clients = 100;           // virtual clients, each with its own cookie jar
  unsigned threads = 0;             // worker threads; 0 = number of cores
  unsigned connections = 0;         // per instance, over all threads; 0 = min(clients, 128)
  std::chrono::microseconds duration =
      std::chrono::seconds(10);         // measured time (with requests == 0)
  std::uint64_t requests = 0;           // stop after this many measured requests (0: use duration)
  std::chrono::microseconds warmup{0};  // not counted
  // --start-at: the measured part starts at this wall-clock time (unix seconds), the warm-up
  // just before it; the tester waits for it after probing the instances.
  std::optional<double> start_at_unix_s;
  Balance balance = Balance::round_robin;
  ThinkTime think;  // closed model: pause between a client's requests
  double rate = 0;  // open model: total requests/s; 0 = closed model
  // --stages: the level ramped linearly to each stage's target from the start of the load (the
  // warm-up is its first part): active clients from 0 (closed model; clients is then the
  // largest target), or requests/s from `rate` (open model). duration is the stages' sum less
  // the warm-up.
  std::vector<Stage> stages;
  Scenario scenario = Scenario::visit;
  // --journey FILE: what each client does instead of the visit scenario's steps (the scenario
  // stays visit: its figures and checks are the register's).
  std::shared_ptr<const Journey> journey;
  std::string home_path = "/";
  std::string details_path = "/details";
  std::string name_field = "name";
  // How the visit scenario writes a name: by submitting the form of home_path that holds the
  // name_field input, as a browser does (all its successful controls, to its action, with its
  // method and enctype), or as a JSON body {"<name_field>": "<name>"} with write_method to
  // write_path.
  enum class Write { form, json } write = Write::form;  // names: to_string, parse_write
  std::string write_method = "PUT";
  std::string write_path = "/api/session";
  bool write_path_given = false;  // --write-path on the command line: overrides a form's action
  std::vector<std::pair<std::string, std::string>> form_fields;  // --form-field NAME=VALUE
  // Visit: the token a write carries. csrf_field: a field of the form (a hidden input, as any
  // other), also sent in csrf_header for JSON writes; csrf_meta: the content of <meta
  // name=csrf_meta> of home_path; csrf_cookie: the value of the client's cookie of that name.
  // The page is fetched again when the token is missing or a write was refused with 403.
  std::string csrf_field;
  std::string csrf_header = "X-CSRF-Token";
  std::string csrf_meta;
  std::string csrf_cookie;
  // Before its first write each client loads login_path and submits its form with these
  // fields ("{client}" in a value becomes the client's number), following redirects.
  std::string login_path;
  std::vector<std::pair<std::string, std::string>> login_fields;
  unsigned max_redirects = 10;  // hops followed per request; 0: a 3xx is the answer
  std::string instance_header{page::instance_header};  // names the instance that served an answer
  std::vector<std::string> headers;                    // -H "Name: value", on every request
  // --local-ips: numeric source addresses new connections take in turn (k6's --local-ips).
  std::vector<std::string> local_ips;
  // https:// instances: certificates are checked against the system store plus cacert (a PEM
  // file, or ""), and the host name against the certificate; insecure skips both checks.
  std::string cacert;
  bool insecure = false;
  std::string path = "/";                            // scenario get
  unsigned rename_every = 10;                        // visit: a new name every K reads
  unsigned inflight = 4;                             // counter: concurrent increments per client
  std::string counter_path = "/api/session/visits";  // counter: POST here increments
  std::string session_path = "/api/session";         // counter: GET here reads the final value
  std::chrono::microseconds timeout = std::chrono::seconds(5);   // per request
  std::chrono::microseconds interval = std::chrono::seconds(1);  // CSV row period
  std::string csv;           // file, "-" for stdout, "" for none
  std::string json;          // file, "-" for stdout, or ""
  std::string hdr_log;       // HdrHistogram interval log file, or ""
  std::string junit;         // the checks as a JUnit XML report to this file, or ""
  std::string metrics_host;  // --metrics-bind: serve the figures so far as Prometheus text here
  std::uint16_t metrics_port = 0;
  std::string history;  // every operation, Jepsen-style (FILE.edn: EDN, else JSON lines), or ""
  unsigned shard_index = 1;  // --shard I/N: this process runs the I-th of N
  unsigned shard_count = 1;  //   contiguous slices of the clients, rate and requests
  std::string run_id;        // names the run across shards (for merge), or ""
  bool quiet = false;
  bool wide = false;         // --wide: every column of the summary table (else it fits 120 columns)
  bool progress = true;      // live line on stderr when it is a terminal
  double max_miss_rate = 0;  // fraction of reads, 0..1
  double max_stale_rate = 0;
  double max_error_rate = 0;                 // fraction of requests
  std::vector<PercentileLimit> max_latency;  // --max-latency PCT=D (--max-p99 D is p99)
  std::vector<PercentileLimit> max_service;  // --max-service PCT=D, on service time
  double min_rps = 0;                        // --min-rps: 0 = no check
  double min_rate_fraction = 0.95;           // open model: achieved/target rate to pass
  bool abort_on_fail = false;                // stop after the first interval in which a check fails
  std::chrono::microseconds abort_grace{0};  // --abort-on-fail: no abort before this measured time
  // Judged reads that must have crossed instances (checks.hpp); -1: 1% of them and at least 10.
  std::int64_t min_crossing = -1;
  std::uint64_t max_lost_updates = 0;
  std::string logout_path = "/api/session";  // logout: where the session is ended
  std::string logout_method = "DELETE";
  std::uint64_t max_resurrected = 0;  // logout: reads that show an ended session's data
};
inline constexpr NameTable<LoadOptions::Write, 2> write_names{
    {{{LoadOptions::Write::form, "form"}, {LoadOptions::Write::json, "json"}}}};
inline const char* to_string(LoadOptions::Write w) {
  return write_names.name(w);
}
// The run's level over time: --stages (from --rate in the open model, from 0 clients in the
// closed), else the constant --rate (or the clients).
LoadShape shape_of(const LoadOptions& o);
inline std::optional<LoadOptions::Write> parse_write(std::string_view name) {
  return write_names.parse(name);
}

}  // namespace sessdemo::loadgen
