// The command line as a user meets it: each mistake gets exit 2 and one line that says what is
// wrong; outputs go where they are told ("-" is stdout for every output flag).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/json/parse.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
struct Result {
  int exit_code = -1;
  std::string out, err;
};

Result run(std::vector<std::string> args) {
  static int n = 0;
  auto err_path = fs::temp_directory_path() /
                  ("sessdemo-cli-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  args.insert(args.begin(), sessdemo_binary());
  Result r;
  {
    Child c(args, err_path.string());
    r.out = c.read_all(seconds(30));
    r.exit_code = c.wait(seconds(30));
  }
  std::ifstream f(err_path);
  std::stringstream ss;
  ss << f.rdbuf();
  r.err = ss.str();
  fs::remove(err_path);
  return r;
}

fs::path write_file(const std::string& name, const std::string& text) {
  auto p = fs::temp_directory_path() / ("sessdemo-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(p) << text;
  return p;
}
}  // namespace

TEST(CliIntegration, MistakesGetExit2AndOneLineSayingWhatIsWrong) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  auto conf_no_section = write_file("nosection.ini", "port = 5\n");
  auto conf_typo = write_file("typo.ini", "[serve]\nprot = 5\n");
  for (const auto& c : std::vector<Case>{
           {{"lod"},
            "unknown command 'lod' (commands: serve, load, demo, merge, check, help); did you mean "
            "'load'?"},
           {{}, "a command is needed: serve, load, demo, merge, check, help"},
           {{"load", "-i", "127.0.0.1:1", "-c", "5k"},
            "--clients: must be a whole number from 1 to 1000000, not '5k'"},
           {{"load", "-i", "127.0.0.1:1", "-c", "1.5"}, "not '1.5'"},
           {{"serve", "--port", "99999"},
            "--port: must be a whole number from 0 to 65535, not '99999'"},
           {{"serve", "--config"}, "--config needs a FILE"},
           {{"--config"}, "--config needs a FILE"},
           {{"load", "-i", "http://127.0.0.1:8080/app"},
            "has a path (/app): give the address only"},
           {{"load", "-i", "127.0.0.1:1", "--timeout", "0s"}, "--timeout must be at least 1ms"},
           {{"load", "-i", "127.0.0.1:1", "--csv", "-", "--json", "-"},
            "only one of --csv, --json, --history and --junit can go to stdout"},
           {{"load", "-i", "127.0.0.1:1", "--history", "-", "--json", "-"},
            "only one of --csv, --json, --history and --junit"},
           {{"check"}, "files is required"},
           {{"check", "/nonexistent.jsonl"}, "cannot read /nonexistent.jsonl"},
           {{"serve", "--config", conf_no_section.string()}, "line 1: 'port' is outside a section"},
           {{"serve", "--config", conf_typo.string()}, "line 2: unknown key 'prot' in [serve]"},
           {{"serve", "--ttl", "1m30x"}, "'1m30x' is not a duration"},
           {{"load", "-i", "127.0.0.1:1", "--shard", "4/3"},
            "--shard must be I/N with 1 <= I <= N, like 2/3, not '4/3'"},
           {{"load", "-i", "127.0.0.1:1", "--shard", "0/3"}, "not '0/3'"},
           {{"load", "-i", "127.0.0.1:1", "-c", "2", "--shard", "1/3"},
            "--shard 1/3 needs --clients of at least 3"},
           {{"merge"}, "files is required"},
           {{"serve", "--key-prefix", "a b"},
            "--key-prefix must be 1 to 222 printable ASCII characters without spaces"},
           {{"serve", "--key-prefix", "x\r\nset injected 0 0 1"}, "--key-prefix must be"},
           {{"serve", "--key-prefix", std::string(223, 'k')}, "--key-prefix must be"},
           {{"merge", "/nonexistent.json"}, "cannot read /nonexistent.json"},
           // Operator input that reached headers, the JSON and the run model unchecked:
           {{"serve", "--id", "a\r\nSet-Cookie: x=1"},
            "--id: must be printable ASCII without spaces"},
           {{"serve", "--id", std::string(65, 'i')}, "--id: must be 1 to 64 characters"},
           {{"load", "-i", "127.0.0.1:1", "--max-error-rate", "nan"},
            "--max-error-rate: must be a number from 0 to 1, not 'nan'"},
           {{"load", "-i", "127.0.0.1:1", "--rate", "nan"}, "--rate: must be a number from"},
           {{"load", "-i", "127.0.0.1:1", "--max-miss-rate", "inf"}, "not 'inf'"},
           {{"serve", "--config", "/"}, "the config file / is not a regular file"},
           {{"serve", "--csrf", "--csrf-secret", "/"},
            "the --csrf-secret file / is not a regular file"},
           {{"serve", "--csrf", "--csrf-secret", "/dev/null"},
            "the --csrf-secret file /dev/null is not a regular file"},
           {{"serve", "--csrf-secret", "/"}, "--csrf-secret requires --csrf"},
           {{"serve", "--trusted-origin", "app.example"},
            "--trusted-origin app.example is not an origin"},
           {{"serve", "--handshake-timeout", "0s"}, "--handshake-timeout must be at least 1ms"},
           {{"serve", "--config", "/dev/zero"}, "the config file /dev/zero is not a regular file"},
           {{"load", "-i", "127.0.0.1:1", "--login-field", "novalue"},
            "--login-field takes NAME=VALUE, not 'novalue'"},
           {{"load", "-i", "127.0.0.1:1", "--login-field", "a=b"},
            "--login-field needs --login-path"},
           {{"load", "-i", "127.0.0.1:1", "--csrf-meta", "a", "--csrf-cookie", "b"}, "not both"},
           {{"load", "-i", "127.0.0.1:1", "--instance-header", "X: y"}, "--instance-header"},
           {{"load", "-i", "127.0.0.1:1", "--scenario", "logout", "--rate", "10"},
            "closed-model only"},
       }) {
    auto r = run(c.args);
    std::string what =
        c.args.empty() ? "(nothing)" : c.args[0] + (c.args.size() > 1 ? " " + c.args[1] : "");
    EXPECT_EQ(r.exit_code, 2) << what << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << what << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1)
        << what << ": one line, not " << r.err;
  }
  fs::remove(conf_no_section);
  fs::remove(conf_typo);
}

TEST(CliIntegration, HelpWorksAsACommand) {
  auto top = run({"help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("serve"), std::string::npos);
  EXPECT_NE(top.out.find("then the environment (SESSDEMO_*), then the"), std::string::npos)
      << top.out;
  auto load = run({"help", "load"});
  EXPECT_EQ(load.exit_code, 0);
  EXPECT_NE(load.out.find("--instances"), std::string::npos);
}

TEST(CliIntegration, StartupErrorsSpeakPlainly) {
  Instance a({"--store", "memory"});
  auto busy = run({"serve", "--store", "memory", "--port", std::to_string(a.port)});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.err.find("port " + std::to_string(a.port) + " is already in use"),
            std::string::npos)
      << busy.err;
  EXPECT_EQ(busy.err.find("reactive_socket_service"), std::string::npos)
      << "no library internals: " << busy.err;
  auto nohost = run({"serve", "--store", "memory", "--bind", "no-such-host.invalid"});
  EXPECT_EQ(nohost.exit_code, 1);
  EXPECT_NE(nohost.err.find("neither an IP address nor a host name that resolves"),
            std::string::npos)
      << nohost.err;
  // A host name that resolves is taken.
  Child named(
      {sessdemo_binary(), "serve", "--store", "memory", "--bind", "localhost", "--port", "0"},
      "/dev/null");
  auto line = named.read_line(seconds(10));
  ASSERT_TRUE(line.has_value());
  EXPECT_NE(line->find("listening on http://"), std::string::npos) << *line;
}

TEST(CliIntegration, ConfigFileFlagAndEnvironmentPrecedence) {
  // flag > environment > file: --id from the flag over the file, --store from the environment over
  // the file.
  auto conf = write_file("prec.ini", "[serve]\nid = from-file\nstore = memcached\nport = 0\n");
  setenv("SESSDEMO_STORE", "memory", 1);  // beats the file's memcached (none is running here)
  Instance a({"--config", conf.string(), "--id", "from-flag"});
  unsetenv("SESSDEMO_STORE");
  auto r = http(a.port, "POST", "/", "name=Zed");
  EXPECT_EQ(r.status, 303) << "the environment's memory store should have won over the file";
  EXPECT_EQ(r.header("x-instance-id"), "from-flag");
  fs::remove(conf);
}

TEST(CliIntegration, JsonToStdoutIsNotAFileNamedDash) {
  Instance a({"--store", "memory"});
  auto dir = fs::temp_directory_path() / ("sessdemo-dash-" + std::to_string(getpid()));
  fs::create_directories(dir);
  Result r;
  {
    std::vector<std::string> argv{"sh",
                                  "-c",
                                  "cd \"$0\" && exec \"$@\"",
                                  dir.string(),
                                  sessdemo_binary(),
                                  "load",
                                  "-i",
                                  a.address(),
                                  "--scenario",
                                  "get",
                                  "--path",
                                  "/healthz",
                                  "-c",
                                  "2",
                                  "--requests",
                                  "50",
                                  "--json",
                                  "-"};
    Child c(argv, (dir / "stderr").string());
    r.out = c.read_all(seconds(30));
    r.exit_code = c.wait(seconds(30));
  }
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(fs::exists(dir / "-"));
  auto doc = boost::json::parse(r.out).as_object();  // stdout holds the JSON alone
  EXPECT_EQ(doc.at("total").as_object().at("requests").to_number<int>(), 50);
  std::ifstream err(dir / "stderr");
  std::stringstream ss;
  ss << err.rdbuf();
  EXPECT_NE(ss.str().find("verdict: PASS"), std::string::npos) << "the summary goes to stderr";
  fs::remove_all(dir);
}

// --help and the documentation (the README and docs/) name the same flags: every flag of every
// command is documented, and no flag is documented that does not exist.
TEST(CliIntegration, HelpAndTheDocsNameTheSameFlags) {
  auto flags_in = [](const std::string& text) {
    std::set<std::string> out;
    for (std::size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) {
      std::size_t end = at + 2;
      while (end < text.size() &&
             (std::islower(static_cast<unsigned char>(text[end])) ||
              std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '-'))
        ++end;
      if (end > at + 2 && std::islower(static_cast<unsigned char>(text[at + 2])))
        out.insert(text.substr(at, end - at));
    }
    return out;
  };
  std::set<std::string> help;
  for (std::vector<std::string> args : {std::vector<std::string>{"help"},
                                        {"help", "serve"},
                                        {"help", "load"},
                                        {"help", "demo"},
                                        {"help", "merge"},
                                        {"help", "check"}}) {
    auto r = run(args);
    ASSERT_EQ(r.exit_code, 0);
    for (const auto& f : flags_in(r.out)) help.insert(f);
  }
  std::stringstream ss;
  std::vector<fs::path> docs{fs::path(SESSDEMO_SOURCE_DIR) / "README.md"};
  for (const auto& e : fs::directory_iterator(fs::path(SESSDEMO_SOURCE_DIR) / "docs"))
    if (e.path().extension() == ".md") docs.push_back(e.path());
  ASSERT_GT(docs.size(), 5u) << "docs/ holds the reference";
  for (const auto& d : docs) ss << std::ifstream(d).rdbuf() << '\n';
  auto documented = flags_in(ss.str());
  for (const auto& f : help)
    EXPECT_TRUE(documented.count(f)) << f << " is in --help but not in the README or docs/";
  for (const auto& f : documented)
    EXPECT_TRUE(help.count(f)) << f << " is in the README or docs/ but no command has it";
}

// The help as users of other tools expect it: short value names, every exit code, one usage line
// for `help load` and `load --help`, --config in each command's help, "did you mean" for a
// mistyped command or flag, and a pointer to the command's help for a missing option.
TEST(CliIntegration, HelpSpeaksPlainlyAndSuggests) {
  auto load_help = run({"load", "--help"});
  EXPECT_EQ(load_help.exit_code, 0);
  EXPECT_EQ(load_help.out.find("UINT"), std::string::npos) << load_help.out;
  EXPECT_EQ(load_help.out.find(" in ["), std::string::npos) << load_help.out;
  EXPECT_NE(load_help.out.find("-c,--clients N=100"), std::string::npos) << load_help.out;
  EXPECT_NE(load_help.out.find("--max-p99 DURATION=0s"), std::string::npos);
  EXPECT_NE(load_help.out.find("(0: no limit)"), std::string::npos);
  auto help_load = run({"help", "load"});
  EXPECT_EQ(help_load.out.substr(0, help_load.out.find("Options:")),
            load_help.out.substr(0, load_help.out.find("Options:")));
  for (const char* command : {"serve", "load", "demo", "merge", "check"})
    EXPECT_NE(run({"help", command}).out.find("--config FILE"), std::string::npos) << command;
  auto top = run({"--help"});
  for (const char* code : {"0 success", "1 a check", "2 a bad command line",
                           "3 no instance answers", "130 interrupted"})
    EXPECT_NE(top.out.find(code), std::string::npos) << code << "\n" << top.out;
  auto lod = run({"help", "lod"});
  EXPECT_EQ(lod.exit_code, 2);
  EXPECT_NE(lod.err.find("did you mean 'load'?"), std::string::npos) << lod.err;
  auto typo = run({"load", "-i", "127.0.0.1:1", "--max-latncy", "p50=1s"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("did you mean '--max-latency'?"), std::string::npos) << typo.err;
  auto missing = run({"load"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--instances is required (see sessdemo help load)"), std::string::npos)
      << missing.err;
}

// Every option has its SESSDEMO_<OPTION> variable, read (and checked) like the flag; a repeatable
// option may be given on several lines of the config file.
TEST(CliIntegration, EveryOptionHasAnEnvironmentVariableAndRepeatsInTheConfig) {
  setenv("SESSDEMO_CLIENTS", "1", 1);
  auto shard = run({"load", "-i", "127.0.0.1:1", "--shard", "2/2"});
  setenv("SESSDEMO_CLIENTS", "zero", 1);
  auto bad = run({"load", "-i", "127.0.0.1:1"});
  unsetenv("SESSDEMO_CLIENTS");
  EXPECT_EQ(shard.exit_code, 2);
  EXPECT_NE(shard.err.find("needs --clients of at least 2"), std::string::npos) << shard.err;
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("zero"), std::string::npos) << bad.err;
  setenv("SESSDEMO_MAX_LATENCY", "p95", 1);
  auto limit = run({"load", "-i", "127.0.0.1:1"});
  unsetenv("SESSDEMO_MAX_LATENCY");
  EXPECT_EQ(limit.exit_code, 2);
  EXPECT_NE(limit.err.find("--max-latency"), std::string::npos) << limit.err;
  // Two -H lines and two form fields: taken (the run gets as far as the instances: none answers).
  auto conf = write_file("repeat.ini",
                         "[load]\ninstances = 127.0.0.1:1\nheader = X-A: 1\nheader = X-B: 2\n"
                         "form-field = a=1\nform-field = b=2\n");
  auto r = run({"load", "--config", conf.string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto twice = write_file("twice.ini", "[load]\nclients = 1\nclients = 2\n");
  auto t = run({"load", "--config", twice.string(), "-i", "127.0.0.1:1"});
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_NE(t.err.find("'clients' is given twice"), std::string::npos) << t.err;
  fs::remove(conf);
  fs::remove(twice);
}
