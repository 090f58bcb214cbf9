#pragma once
// A journey (`load --journey FILE`): what each virtual client does, step by step, what it
// writes into its session and where the session's value is read back. The file is YAML
// (docs/journeys.md); load_journey() reads it and refuses what cannot run, naming the line.
// The model knows no sockets and no pages: the scenario engine runs it (scenario_journey.cpp),
// locators are evaluated on answers by scenario/locator.cpp.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "loadgen/journey/value_template.hpp"

namespace sessdemo::loadgen {

// Where a value is found in an answer.
struct Locator {
  enum class Kind : std::uint8_t { css, json, regex, cookie, page } kind = Kind::page;
  std::string expr;           // the selector, the JSON pointer, the pattern or the cookie's name
  std::string attr;           // css: an attribute of the element instead of its text
  std::string words() const;  // as the file says it, for messages ("css '#name'")
};

// What a read counts as "no value": besides the location being missing or empty.
struct Absent {
  std::vector<std::string> texts;  // shown at the location: "Not set", "Anonymous"
  std::vector<int> statuses;       // the answer's status: 401, 404
  std::string redirect;            // a redirect to this path (the login page)
};

// How a write is known to have taken effect. Anything else is a refused write.
struct Ack {
  std::vector<int> statuses;     // the first answer's status; empty: any 2xx or 3xx
  std::optional<Locator> shows;  // the page it leads to shows the value written there
  std::string redirect;          // the first answer redirects to this path (its query aside)
};

struct Capture {
  std::size_t var = 0;  // index into Journey::vars
  Locator at;
};

struct JourneyStep {
  int line = 0;  // in the file, for messages
  std::string method = "GET", path;
  std::vector<std::pair<std::string, std::string>> headers;  // values with {substitutions}
  enum class Body : std::uint8_t { none, form, json } body = Body::none;
  std::vector<std::pair<std::string, std::string>> form;  // form fields, with {substitutions}
  std::string json;             // a JSON text whose strings may hold {substitutions}
  bool writes = false;          // the step writes the session's value ({value})
  bool logout = false;          // the step ends the session (the client keeps its old cookie)
  std::optional<Locator> read;  // the step reads the value back from here
  Absent absent;
  Ack ack;
  std::vector<Capture> captures;
  std::vector<int> recapture_on;  // a refusal with one of these takes the step's tokens again
  bool once = false;  // a login or set-up: once per client, again if the session is lost
  unsigned repeat = 1;
  bool follow = true;         // redirects followed as a browser does
  std::string words() const;  // "step 3 (POST /name, line 12)"
};

struct Journey {
  std::string source;  // the file's name, for messages
  ValueTemplate value;
  std::vector<std::string> vars;                  // the names captures fill
  std::chrono::milliseconds capture_lifetime{0};  // 0: captures never age
  // `users: FILE` (CSV with a header row, as k6 and Artillery read payload files): client i
  // takes row i modulo the rows; {user.COLUMN} is its cell.
  std::vector<std::string> user_columns;
  std::vector<std::vector<std::string>> users;
  // {user.COLUMN} of a client, or nothing when COLUMN is not a column.
  std::optional<std::string> user_cell(std::uint32_t client, std::string_view column) const;
  std::vector<JourneyStep> steps;
  std::size_t loop_start = 0;  // the first step that is not `once`: where a client goes on
  // The step that captures var v first, or steps.size().
  std::size_t capturing_step(std::size_t v) const;
  // The earliest step that captures a variable `text` uses, or steps.size().
  std::size_t recapture_from(const JourneyStep& s) const;
  bool reads_anything() const;
  bool logs_out() const;
};

// The journey in the YAML text, or one line saying what is wrong ("FILE:LINE: ...").
std::variant<Journey, std::string> parse_journey(std::string_view yaml, std::string source);
std::variant<Journey, std::string> load_journey(const std::string& path);

// The {name} references of a text, in order ({value}, {client}, a capture's variable...).
std::vector<std::string> references_in(std::string_view text);

}  // namespace sessdemo::loadgen
