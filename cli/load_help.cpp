#include "cli/load_help.hpp"

#include <algorithm>
#include <string_view>

namespace sessdemo::cli {

namespace {
// The sections of `sessdemo help load`, each option in one: the one table of them (a test sees
// that no option is left out).
struct OptionGroup {
  const char* title;
  std::vector<std::string_view> options;
};
const std::vector<OptionGroup>& load_option_groups() {
  static const std::vector<OptionGroup> groups{
      {"Instances and balancing",
       {"help", "instances", "balance", "connections", "instance-header"}},
      {"Load shape",
       {"clients", "threads", "duration", "requests", "warmup", "think", "rate", "stages",
        "start-at", "shard", "run-id"}},
      {"The app: pages, forms, tokens, logins",
       {"scenario",  "journey",      "home-path",     "details-path", "name-field",
        "write",     "write-method", "write-path",    "form-field",   "csrf-field",
        "csrf-meta", "csrf-cookie",  "csrf-header",   "login-path",   "login-field",
        "path",      "logout-path",  "logout-method", "rename-every", "inflight"}},
      {"TLS and HTTP", {"cacert", "insecure", "header", "timeout", "max-redirects", "local-ips"}},
      {"Outputs",
       {"interval", "csv", "json", "history", "junit", "metrics-bind", "hdr-log", "quiet", "wide",
        "log-level"}},
      {"Checks and limits",
       {"max-miss-rate", "max-stale-rate", "max-error-rate", "max-resurrected", "max-lost-updates",
        "max-p99", "max-latency", "max-service", "min-rps", "min-rate-fraction", "min-crossing",
        "abort-on-fail", "abort-grace"}},
  };
  return groups;
}

void group_options(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_lnames().empty()) continue;
    const std::string& name = opt->get_lnames().front();
    for (const auto& g : load_option_groups())
      if (std::find(g.options.begin(), g.options.end(), name) != g.options.end())
        opt->group(g.title);
  }
}

constexpr const char* load_examples =
    "Examples:\n"
    "  sessdemo load -i 127.0.0.1:8081,127.0.0.1:8082 -c 200 -d 30s\n"
    "      200 visitors over two instances, round-robin: does each read show the visitor's own "
    "name?\n"
    "  sessdemo load -i http://127.0.0.1:8080 --csrf-meta csrf-token --login-path /login \\\n"
    "      --login-field user=u{client} --login-field password=secret --json run.json\n"
    "      an app behind a balancer, with a CSRF token in a <meta> and a login form first\n"
    "  sessdemo load -i 127.0.0.1:8081,127.0.0.1:8082 --rate 500 --stages 1m:500 \\\n"
    "      --max-latency p99=250ms --junit report.xml\n"
    "      an open-model gate for CI: 500 requests/s for a minute, p99 under 250 ms\n"
    "  sessdemo load -i 127.0.0.1:8081,127.0.0.1:8082 --journey shop.yaml\n"
    "      your app's own journey: its requests, what it writes, where it reads it back\n"
    "Your own app (its pages, forms, tokens, logins): docs/your-app.md; journeys: "
    "docs/journeys.md.\n";
}  // namespace

void arrange_load_help(CLI::App& app) {
  group_options(app);
  app.footer(std::string(load_examples) + app.get_footer());
}

std::vector<std::string> ungrouped_load_options(CLI::App& app) {
  std::vector<std::string> out;
  for (CLI::Option* opt : app.get_options())
    if (!opt->get_lnames().empty() && opt->get_group() == "Options")
      out.push_back(opt->get_lnames().front());
  return out;
}

}  // namespace sessdemo::cli
