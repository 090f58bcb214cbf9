#include "cli/load_cmd.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/App.hpp>
#include <CLI/Validators.hpp>

#include "cli/load_command_line.hpp"
#include "cli/load_help.hpp"
#include "cli/load_shape_options.hpp"
#include "cli/options.hpp"
#include "common/exit_status.hpp"
#include "loadgen/run/runner.hpp"

namespace sessdemo::cli {

namespace {
// Where the load goes and how much of it: instances, clients, threads, time, balance, model.
void add_shape_options(CLI::App& app, LoadCliOptions& o) {
  auto& l = o.load;
  app.footer(
      "Connections: each instance gets --connections sockets (default min(clients,128)), shared by "
      "all "
      "clients the way a balancer carries many visitors over its own upstream connections; each "
      "request "
      "still carries its own client's cookies. 10,000 clients over 3 instances use 384 sockets by "
      "default.\n"
      "Exit status: 0 all checks hold, 1 a check failed, 2 bad command line, 3 no instance "
      "answers, "
      "130 interrupted (SIGINT/SIGTERM; the summary of what ran is printed, verdict "
      "'interrupted').");
  app.add_option("--instances,-i", o.instances, "HOST:PORT[,HOST:PORT...] or http:// URLs")
      ->required()
      ->check(endpoint_list(true));
  app.add_option("--clients,-c", l.clients, "virtual clients, each with its own cookie jar")
      ->check(whole_number(1, 1000000))
      ->capture_default_str();
  app.add_option("--threads,-t", l.threads, "worker threads (default: cores)")
      ->check(whole_number(1, 256));
  app.add_option("--connections", l.connections, "connections per instance, over all threads")
      ->check(whole_number(1, 1000000));
  add_duration(app, "--duration,-d", l.duration,
               "measured time (a cap when --requests is also given)");
  app.add_option("--requests,-n", l.requests, "stop after this many measured requests")
      ->check(whole_number(1, std::uint64_t{1} << 50));
  add_duration(app, "--warmup", l.warmup, "load before measuring, not counted");
  add_choice(app, "--balance", l.balance, loadgen::parse_balance, loadgen::to_string,
             {loadgen::Balance::round_robin, loadgen::Balance::random, loadgen::Balance::sticky},
             "round-robin (consecutive requests to different instances), random, sticky");
  add_load_shape_options(app, o);
  using loadgen::Scenario;
  add_choice(app, "--scenario", l.scenario, loadgen::parse_scenario, loadgen::to_string,
             {Scenario::visit, Scenario::get, Scenario::counter, Scenario::logout},
             "visit (write a name, check reads), get (plain GETs), counter, logout (a logout "
             "raced against --inflight increments, then a read by the old cookie)");
  app.add_option("--local-ips", o.local_ips,
                 "source addresses new connections take in turn (A-B ranges of IPv4, and "
                 "addresses): a client's requests then come from several, as a visitor's whose "
                 "address changes");
  app.add_option("--journey", o.journey,
                 "a YAML file of what each client does: its requests, what it writes, where it "
                 "reads it back (docs/journeys.md)");
}

// What the app looks like: its pages, forms, tokens, login, redirects, headers, TLS.
void add_app_options(CLI::App& app, LoadCliOptions& o) {
  auto& l = o.load;
  app.add_option("--home-path", l.home_path, "page with the name form")->capture_default_str();
  app.add_option("--details-path", l.details_path, "page that shows the name")
      ->capture_default_str();
  app.add_option("--name-field", l.name_field, "form field (or JSON key) of the name")
      ->capture_default_str();
  add_choice(app, "--write", l.write, loadgen::parse_write, loadgen::to_string,
             {loadgen::LoadOptions::Write::form, loadgen::LoadOptions::Write::json},
             "visit: how a name is written: form (the form of --home-path that holds "
             "--name-field, submitted as a browser does) or json (--write-method to "
             "--write-path, body {\"NAME-FIELD\": \"...\"})");
  app.add_option("--write-method", l.write_method, "--write json: PUT, POST or PATCH")
      ->check(CLI::IsMember({"PUT", "POST", "PATCH"}))
      ->capture_default_str();
  app.add_option("--write-path", l.write_path,
                 "--write json: where the JSON goes; --write form: overrides the form's action")
      ->capture_default_str();
  app.add_option(
         "--form-field", o.form_fields,
         "--write form: NAME=VALUE set in (or added to) the form on every write (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option(
      "--csrf-field", l.csrf_field,
      "visit: the form field NAME that holds the CSRF token (read from --home-path; sent "
      "in --csrf-header too for --write json); a 403 is a csrf error and the page is "
      "read again");
  app.add_option("--csrf-meta", l.csrf_meta,
                 "visit: the token is the content of <meta name=NAME> on --home-path (Rails, "
                 "Laravel), sent in --csrf-header (and as --csrf-field for form writes)");
  app.add_option("--csrf-cookie", l.csrf_cookie,
                 "visit: the token is the value of the client's cookie NAME (Angular XSRF-TOKEN, "
                 "Django csrftoken), sent in --csrf-header (and as --csrf-field for form writes)");
  app.add_option("--csrf-header", l.csrf_header, "the header that carries a token on writes")
      ->capture_default_str();
  app.add_option("--login-path", l.login_path,
                 "visit: each client loads PATH before its first write and submits its form with "
                 "the --login-field values, following redirects; a redirect to PATH later is a "
                 "miss and the client logs in again");
  app.add_option("--login-field", o.login_fields,
                 "NAME=VALUE filled into the login form; {client} becomes the client's number "
                 "(repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--max-redirects", l.max_redirects,
                 "redirects followed per request (301/302/303 after a POST become a GET, 307/308 "
                 "keep it); 0: a 3xx is the answer")
      ->check(whole_number(0, 100))
      ->capture_default_str();
  app.add_option("--instance-header", l.instance_header,
                 "the answer header that names the instance that served it (X-Served-By, "
                 "X-Backend...)")
      ->capture_default_str();
  app.add_option("--cacert", l.cacert,
                 "https:// instances: a PEM file of CA certificates trusted besides the system's");
  app.add_flag("--insecure", l.insecure,
               "https:// instances: skip the certificate and host name checks (said in the summary "
               "and the JSON)");
  app.add_option("-H,--header", l.headers,
                 "'Name: value' added to every request (repeatable); Host replaces the tester's, "
                 "Cookie goes after the client's own cookies")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--path", l.path, "scenario get: the path to request")->capture_default_str();
  app.add_option("--logout-path", l.logout_path, "logout: where the session is ended")
      ->capture_default_str();
  app.add_option("--logout-method", l.logout_method, "logout: DELETE, POST or GET")
      ->check(CLI::IsMember({"DELETE", "POST", "GET"}))
      ->capture_default_str();
}

// What each client does, how long a request may take, and what comes out: files, limits, logs.
void add_run_options(CLI::App& app, LoadCliOptions& o) {
  auto& l = o.load;
  app.add_option("--rename-every", l.rename_every, "visit: post a new name every K reads")
      ->check(whole_number(1, 1000000))
      ->capture_default_str();
  app.add_option("--inflight", l.inflight, "counter, logout: increments in flight per client")
      ->check(whole_number(1, 1000))
      ->capture_default_str();
  add_duration(
      app, "--timeout", l.timeout,
      "per request, from its send: fires within a tenth of its value (1 ms to 50 ms); a timed-out "
      "request is an error recorded at its timeout");
  add_duration(app, "--interval", l.interval, "CSV row period");
  app.add_option("--csv", l.csv,
                 "per-interval CSV to FILE (- for stdout; the summary then goes to stderr)");
  app.add_option("--json", l.json,
                 "settings, totals, per-instance figures, checks and verdict as JSON to FILE (- "
                 "for stdout; the "
                 "summary then goes to stderr)");
  app.add_option("--history", l.history,
                 "every operation of every client as Jepsen records it, to FILE (FILE.edn: EDN; "
                 "else JSON lines); re-judged by sessdemo check");
  app.add_option(
      "--junit", l.junit,
      "the checks as a JUnit XML report to FILE (one testcase per check, the settings as "
      "properties), for the test reporters of Jenkins, GitLab, GitHub");
  app.add_option(
         "--metrics-bind", o.metrics_bind,
         "ADDR:PORT: serve the figures so far as Prometheus text on GET /metrics while the "
         "run lasts (requests, errors, reads by verdict, latency histograms, active clients, "
         "target rate, dropped; a shard label with --shard)")
      ->type_name("ADDR:PORT");
  app.add_option("--hdr-log", l.hdr_log,
                 "latency per interval in HdrHistogram's interval log format to FILE (values in "
                 "microseconds)");
  app.add_option(
         "--shard", o.shard,
         "I/N: run the I-th of N contiguous slices of --clients (and of --rate and --requests); "
         "merge the N JSON files with `sessdemo merge`")
      ->envname("SESSDEMO_SHARD");
  app.add_option("--run-id", l.run_id,
                 "names the run in the JSON, so that merge refuses files of other runs")
      ->envname("SESSDEMO_RUN_ID");
  app.add_flag("--quiet,-q", l.quiet, "no summary unless a check fails, no progress");
  app.add_flag(
      "--wide", l.wide,
      "every column of the summary table (p90, p99.9, service time); else it fits 120 columns");
  add_verdict_limits(app, l, "requests");
  add_limit_options(app, o);
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, off")
      ->check(log_level_validator())
      ->capture_default_str();
}
}  // namespace

void setup_load(CLI::App& app, LoadCliOptions& o) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // later flags win
  add_shape_options(app, o);
  add_app_options(app, o);
  add_run_options(app, o);
  arrange_load_help(app);
}

int run_load_command(LoadCliOptions& o, const CLI::App& app) {
  setup_logging(o.log_level);
  if (auto refusal = read_load_command_line(o, app)) {
    std::fprintf(stderr, "sessdemo load: %s\n", refusal->c_str());
    return exit_code::usage;
  }
  return loadgen::run_load(o.load);
}

}  // namespace sessdemo::cli
