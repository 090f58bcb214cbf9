// `load --journey` against apps a fixed picture of an app misjudges (tests/support/
// journey_apps.cpp), each as two instances sharing one session table (PASS) and with one table
// each behind a balancer that is not sticky (FAIL): a flash naming the old value, a "Not set"
// placeholder, a length limit, tokens that expire, and a JSON API with bearer tokens.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/support/framework_apps.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
namespace fs = std::filesystem;

namespace {

struct JourneyFile {
  explicit JourneyFile(const std::string& yaml) {
    static int n = 0;
    path = fs::temp_directory_path() /
           ("sessdemo-journey-" + std::to_string(getpid()) + "-" + std::to_string(++n) + ".yaml");
    std::ofstream(path) << yaml;
  }
  ~JourneyFile() { fs::remove(path); }
  fs::path path;
};

LoadRun run(const AppPair& pair, const JourneyFile& j, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{
      "--instances", pair.addresses(), "--journey", j.path.string(), "--clients", "8", "--threads",
      "1",           "--requests",     "600",       "--duration",    "5s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_load_with_log(args);
}

// Shared table: PASS, reads judged, nothing a leak; one table each: FAIL by misses, never by
// another visitor's data.
void flips(Flavor flavor, const std::string& yaml, const std::vector<std::string>& extra = {}) {
  JourneyFile j(yaml);
  {
    auto good = app_pair(flavor, true);
    auto r = run(good, j, extra);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_GT(r.total_of("hits"), 50) << r.out;
    EXPECT_EQ(r.total_of("misses") + r.total_of("stale") + r.total_of("foreign"), 0) << r.out;
  }
  {
    auto broken = app_pair(flavor, false);
    auto r = run(broken, j, extra);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_GT(r.total_of("misses"), 0) << r.out;
    EXPECT_EQ(r.total_of("foreign"), 0) << "a lost session is never another visitor's data";
  }
}

}  // namespace

// "Display name changed from OLD to NEW" above the name: the selector reads the name, not the
// first value of the run in the page.
TEST(Journeys, AFlashNamingTheOldValueIsNotAStaleRead) {
  flips(Flavor::flash, R"(
steps:
  - post: /name
    form: {name: "{value}"}
    write: true
    ack: {status: 303}
  - get: /
    read: {css: '#name'}
    repeat: 3
)");
}

// The same page read anywhere in it: several of the client's values at once are ambiguous,
// counted apart and said once, never judged stale.
TEST(Journeys, APageShowingTwoOfTheClientsValuesIsAmbiguousNotStale) {
  JourneyFile j(R"(
steps:
  - post: /name
    form: {name: "{value}"}
    write: true
  - get: /
    read: {page: true}
)");
  auto good = app_pair(Flavor::flash, true);
  auto r = run(good, j);
  EXPECT_EQ(r.total_of("stale"), 0) << r.out;
  EXPECT_NE(r.err.find("of the client's values at once: not judged"), std::string::npos) << r.err;
}

// <span id="name">Not set</span>: a lost session, not a leak.
TEST(Journeys, ANotSetPlaceholderIsALostSessionNotALeak) {
  flips(Flavor::placeholder, R"(
steps:
  - post: /
    form: {name: "{value}"}
    write: true
    ack: {status: 303}
  - get: /details
    read: {css: 'span#name'}
    absent: {text: Not set}
    repeat: 3
)");
}

// A 12-character limit: a template that fits passes; one that does not has every write refused
// and said so with the page's words, never counted as a lost session.
TEST(Journeys, ValuesShapedToTheAppsRulesAndRefusalsSaidAsSuch) {
  const std::string steps = R"(
steps:
  - post: /
    form: {name: "{value}"}
    write: true
    ack: {status: 303}
  - get: /details
    read: {css: '#name'}
    absent: {text: Not set}
)";
  flips(Flavor::limited, "value: '{run}{client}x{seq}'\n" + steps);
  JourneyFile too_long("value: '{run}-client{client}-write{seq}'\n" + steps);
  auto good = app_pair(Flavor::limited, true);
  auto r = run(good, too_long);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.errors_of("refused"), 50) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0) << "a refused write is not a lost session";
  EXPECT_NE(r.err.find("Field cannot be longer than 12 characters"), std::string::npos) << r.err;
}

// Tokens that expire 2 s after their page, answered 400: the journey takes the token again and
// the run goes on.
TEST(Journeys, ExpiredTokensAreTakenAgainAndTheRunRecovers) {
  JourneyFile j(R"(
steps:
  - get: /
    capture: {csrf: {css: 'input[name=csrf_token]', attr: value}}
  - post: /
    form: {name: "{value}", csrf_token: "{csrf}"}
    write: true
    ack: {status: 303}
  - get: /details
    read: {css: '#name'}
    absent: {text: Not set}
    repeat: 400
)");
  auto good = app_pair(Flavor::expiring, true);
  auto r = run(
      good, j,
      {"--requests", "100000", "--duration", "5s", "--think", "5ms", "--max-error-rate", "0.05"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GT(r.total_of("hits"), 500) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0) << r.out;
}

// A JSON API: a JSON login gives each client its bearer token; a 401 is a lost session (the
// client logs in again), never an error of the read. (Random balancing: round-robin over two
// instances would send every login to one and every write to the other, so nothing is ever
// acknowledged on the broken pair: a FAIL by errors alone.)
TEST(Journeys, JsonApiWithBearerTokensPerClient) {
  flips(Flavor::json_api, R"(
value: "{run}.{client}.{seq}@example.test"
steps:
  - post: /api/login
    json: {user: "user{client}", password: secret}
    capture: {token: {json: /token}}
    once: true
  - put: /api/me
    headers: {Authorization: "Bearer {token}"}
    json: {name: "{value}"}
    write: true
    ack: {status: 200}
    recapture_on: [401]
  - get: /api/me
    headers: {Authorization: "Bearer {token}"}
    read: {json: /name}
    absent: {status: 401}
    repeat: 3
)",
        {"--balance", "random"});
}

// A journey that cannot run is refused before any request: exit 2, one line naming the line.
TEST(Journeys, ABadJourneyIsRefusedWithItsLine) {
  JourneyFile j("steps:\n  - get: /\n    read: {css: 'p[['}\n  - post: /\n    write: true\n");
  auto r = run_load_with_log({"--instances", "127.0.0.1:9", "--journey", j.path.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(j.path.string() + ":2: css 'p[[': an attribute name is missing at 3"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// A journey's history is judged by `sessdemo check` as `load` judged it live: the same misses.
TEST(Journeys, CheckAgreesWithTheRunOnAJourneysHistory) {
  JourneyFile j(R"(
steps:
  - post: /
    form: {name: "{value}"}
    write: true
    ack: {status: 303}
  - get: /details
    read: {css: '#name'}
    absent: {text: Not set}
    repeat: 3
)");
  fs::path history = j.path.string() + ".jsonl";
  auto broken = app_pair(Flavor::placeholder, false);
  auto r = run(broken, j, {"--history", history.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  auto misses = r.total_of("misses");
  EXPECT_GT(misses, 0) << r.out;
  sessdemo::ChildProcess c({sessdemo_binary(), "check", history.string()});
  auto out = c.read_all(std::chrono::seconds(60));
  EXPECT_EQ(c.wait(std::chrono::seconds(60)), 1) << out;
  EXPECT_NE(out.find(" " + std::to_string(misses) + " misses,"), std::string::npos) << out;
  fs::remove(history);
}

// Credentials per client from a CSV file (k6's and Artillery's payload files): a user whose
// password the app refuses never logs in, and says so as login errors, not as lost sessions.
TEST(Journeys, UsersFromACsvFileLogInEachWithTheirOwnCredentials) {
  fs::path users =
      fs::temp_directory_path() / ("sessdemo-users-" + std::to_string(getpid()) + ".csv");
  std::ofstream(users) << "name,password\nann,secret\nbob,secret\ncid,wrong\n";
  JourneyFile j("users: " + users.string() + R"(
steps:
  - post: /api/login
    json: {user: "{user.name}", password: "{user.password}"}
    capture: {token: {json: /token}}
    once: true
  - put: /api/me
    headers: {Authorization: "Bearer {token}"}
    json: {name: "{value}"}
    write: true
    ack: {status: 200}
  - get: /api/me
    headers: {Authorization: "Bearer {token}"}
    read: {json: /name}
    absent: {status: 401}
)");
  auto good = app_pair(Flavor::json_api, true);
  auto r = run(good, j, {"--clients", "6"});
  EXPECT_GT(r.total_of("hits"), 50) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0) << "a user who never logged in lost no session";
  EXPECT_GT(r.total_of("errors"), 0) << "cid's logins are refused: " << r.out;
  fs::remove(users);
}

// A logout step: a read by the old token after an acknowledged logout must find the session
// gone; an app whose logout ends nothing on the server shows it again (resurrected).
TEST(Journeys, ALogoutMustEndTheSessionOnTheServer) {
  JourneyFile j(R"(
steps:
  - post: /api/login
    json: {user: "user{client}", password: secret}
    capture: {token: {json: /token}}
    once: true
  - put: /api/me
    headers: {Authorization: "Bearer {token}"}
    json: {name: "{value}"}
    write: true
    ack: {status: 200}
  - get: /api/me
    headers: {Authorization: "Bearer {token}"}
    read: {json: /name}
    absent: {status: 401}
  - delete: /api/me
    headers: {Authorization: "Bearer {token}"}
    logout: true
    ack: {status: 200}
  - get: /api/me
    headers: {Authorization: "Bearer {token}"}
    read: {json: /name}
    absent: {status: 401}
)");
  {
    auto good = app_pair(Flavor::json_api, true);
    auto r = run(good, j);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("PASS  resurrected"), std::string::npos) << r.out;
    EXPECT_GT(r.total_of("hits"), 50) << r.out;
  }
  {
    AppOptions keeps;
    keeps.logout_keeps_session = true;
    auto broken = app_pair(Flavor::json_api, true, keeps);
    auto r = run(broken, j);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("FAIL  resurrected"), std::string::npos) << r.out;
    EXPECT_GT(r.total_of("resurrected"), 0) << r.out;
  }
}

// Every journey of examples/journeys/ against an app of its shape: PASS on a shared store, FAIL
// on a store per instance (random balancing, so no parity of steps and instances decides it).
TEST(Journeys, TheExamplesRunAgainstAppsOfTheirShape) {
  const std::pair<const char*, Flavor> examples[] = {{"rails", Flavor::rails},
                                                     {"laravel", Flavor::login_first},
                                                     {"flask", Flavor::expiring},
                                                     {"json-api", Flavor::json_api}};
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(SESSDEMO_SOURCE_DIR) / "examples/journeys"))
    files += e.path().extension() == ".yaml";
  EXPECT_EQ(files, std::size(examples)) << "an example journey with no app of its shape";
  for (const auto& [name, flavor] : examples) {
    SCOPED_TRACE(name);
    std::string file = std::string(SESSDEMO_SOURCE_DIR) + "/examples/journeys/" + name + ".yaml";
    std::vector<std::string> args{"--journey",  file,  "--clients",  "8",  "--threads", "1",
                                  "--requests", "600", "--duration", "5s", "--balance", "random"};
    auto good = app_pair(flavor, true);
    args.insert(args.begin(), {"--instances", good.addresses()});
    auto r = run_load(args);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_GT(r.total_of("hits"), 50) << r.out;
    auto broken = app_pair(flavor, false);
    args[1] = broken.addresses();
    auto b = run_load(args);
    EXPECT_EQ(b.exit_code, 1) << b.out;
    EXPECT_EQ(b.total_of("foreign"), 0) << b.out;
  }
}
