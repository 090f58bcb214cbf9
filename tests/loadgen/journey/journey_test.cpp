#include "loadgen/journey/journey.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sessdemo::loadgen {
namespace {

std::string refusal(std::string_view yaml) {
  auto j = parse_journey(yaml, "j.yaml");
  auto* why = std::get_if<std::string>(&j);
  return why ? *why : "";
}

TEST(Journey, ReadsEveryPartOfAStep) {
  auto parsed = parse_journey(R"(
value: {template: "{run}-{client}-{seq}", alphabet: letters}
capture_lifetime: 2
steps:
  - post: /api/login
    json: {user: "u{client}", password: secret, remember: true, tries: 3}
    capture: {token: {json: /token}}
    once: true
  - get: /form
    headers: {Authorization: "Bearer {token}"}
    capture: {csrf: {css: 'input[name=csrf_token]', attr: value}}
  - post: /name
    form: {name: "{value}", csrf_token: "{csrf}"}
    write: true
    ack: {status: [302, 303], shows: {css: '#name'}}
    recapture_on: [400]
  - get: /details
    read: {css: '#name'}
    absent: {text: [Not set], status: 401, redirect: /login}
    repeat: 3
)",
                              "j.yaml");
  ASSERT_TRUE(std::holds_alternative<Journey>(parsed)) << std::get<std::string>(parsed);
  const Journey& j = std::get<Journey>(parsed);
  ASSERT_EQ(j.steps.size(), 4u);
  EXPECT_EQ(j.value.alphabet, ValueTemplate::Alphabet::letters);
  EXPECT_EQ(j.capture_lifetime, std::chrono::seconds(2));
  EXPECT_EQ(j.loop_start, 1u);
  EXPECT_EQ(j.steps[0].method, "POST");
  EXPECT_EQ(j.steps[0].json,
            R"({"user":"u{client}","password":"secret","remember":true,"tries":3})");
  EXPECT_EQ(j.steps[2].ack.statuses, (std::vector<int>{302, 303}));
  ASSERT_TRUE(j.steps[2].ack.shows);
  EXPECT_EQ(j.steps[2].recapture_on, std::vector<int>{400});
  EXPECT_EQ(j.steps[1].recapture_on, (std::vector<int>{400, 403, 419, 422}));
  EXPECT_EQ(j.steps[3].absent.texts, std::vector<std::string>{"Not set"});
  EXPECT_EQ(j.steps[3].absent.statuses, std::vector<int>{401});
  EXPECT_EQ(j.steps[3].repeat, 3u);
  EXPECT_EQ(j.recapture_from(j.steps[2]), 1u);  // {csrf} is captured by the form's page
  EXPECT_EQ(j.recapture_from(j.steps[1]), 0u);  // {token} by the login
}

TEST(Journey, RefusesWhatCannotRunNamingTheLine) {
  EXPECT_EQ(refusal("steps:\n  - get: /\n    reed: {css: '#name'}\n"),
            "j.yaml:3: 'reed' is not a key of a step (get, post, put, patch, delete, headers, "
            "form, json, write, logout, read, absent, ack, capture, recapture_on, once, repeat, "
            "follow)");
  EXPECT_EQ(refusal("steps:\n  - get: /\n    form: {a: '{csrf}'}\n"),
            "j.yaml:2: {csrf} is not captured by this step or one before it");
  EXPECT_EQ(refusal("steps:\n  - get: /\n    read: {css: '#n'}\n"),
            "j.yaml:1: a journey that reads writes first (write: true)");
  EXPECT_EQ(refusal("value: '{client}-{seq}'\nsteps:\n  - get: /\n"),
            "j.yaml:1: value '{client}-{seq}': a value's template holds {run}, {client} and "
            "{seq} once each, so each value is this run's and names its client and write");
  EXPECT_EQ(refusal("steps:\n  - get: /\n    once: true\n"),
            "j.yaml:1: every step is once: a journey needs one that repeats");
  EXPECT_EQ(refusal("steps:\n  - get: /\n    read: {json: name}\n"),
            "j.yaml:3: a JSON pointer starts with '/' (RFC 6901): '/name'");
  EXPECT_EQ(refusal("steps:\n  - get: /\n    repeat: 0\n"),
            "j.yaml:3: repeat is a whole number from 1 to 1000, not '0'");
  EXPECT_EQ(refusal("steps: [\n"), "j.yaml:2: end of sequence flow not found");
  EXPECT_EQ(refusal("steps:\n  - get: /\n    post: /\n"),
            "j.yaml:2: a step names one request: get, post, put, patch or delete: PATH");
}

TEST(Journey, UsersComeFromACsvFileBesideTheJourney) {
  auto dir =
      std::filesystem::temp_directory_path() / ("sessdemo-users-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "users.csv") << "name,password\r\nann,\"p,1\"\nbob,\"say \"\"hi\"\"\"\n";
  std::ofstream(dir / "bad.csv") << "name,password\nann\n";
  auto journey = [&](const char* file) {
    return parse_journey(std::string("users: ") + file +
                             "\nsteps:\n  - post: /login\n    form: {u: '{user.name}', p: "
                             "'{user.password}'}\n",
                         (dir / "j.yaml").string());
  };
  auto parsed = journey("users.csv");
  ASSERT_TRUE(std::holds_alternative<Journey>(parsed)) << std::get<std::string>(parsed);
  const auto& j = std::get<Journey>(parsed);
  EXPECT_EQ(j.user_cell(0, "name"), "ann");
  EXPECT_EQ(j.user_cell(0, "password"), "p,1");
  EXPECT_EQ(j.user_cell(1, "password"), "say \"hi\"");
  EXPECT_EQ(j.user_cell(2, "name"), "ann");  // client 2 of two users: the first again
  EXPECT_EQ(j.user_cell(0, "email"), std::nullopt);
  auto bad = journey("bad.csv");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_NE(std::get<std::string>(bad).find("bad.csv:2: 1 cells, the header has 2"),
            std::string::npos)
      << std::get<std::string>(bad);
  EXPECT_EQ(refusal("steps:\n  - post: /\n    form: {u: '{user.name}'}\n"),
            "j.yaml:2: {user.name} needs users: FILE (a CSV of users)");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sessdemo::loadgen
