#include "loadgen/report/junit.hpp"

#include <cstdio>

#include <boost/json/serialize.hpp>

#include "common/html_escape.hpp"
#include "common/number_text.hpp"
#include "loadgen/config/settings_schema.hpp"

namespace sessdemo::loadgen {

namespace {
// XML 1.0 text and attribute values: the five escapes, and no control character but tab and
// newline (XML cannot carry the others at all, escaped or not).
std::string xml(std::string_view text) {
  std::string clean(text);
  for (char& c : clean)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') c = '?';
  return html_escape(clean);
}

std::string properties(const RunReport& r, const std::vector<Check>& checks) {
  std::string out = "    <properties>\n";
  auto property = [&](std::string_view name, std::string_view value) {
    out += "      <property name=\"" + xml(name) + "\" value=\"" + xml(value) + "\"/>\n";
  };
  for (const auto& [name, v] : settings_json(*r.opts))
    property(name, v.is_string()   ? std::string(v.as_string())
                   : v.is_double() ? plain_decimal(v.as_double())
                                   : boost::json::serialize(v));
  property("run_tag", r.run_tag);
  property("started_at", r.started_at);
  property("measured_s", plain_decimal(r.measured_s));
  property("shards_merged", std::to_string(r.shards_merged));
  property("verdict", verdict(r, checks));
  return out + "    </properties>\n";
}

std::string testcase(const Check& c, std::string_view suite) {
  std::string out =
      "    <testcase name=\"" + xml(c.name) + "\" classname=\"" + xml(suite) + "\" time=\"0\"";
  if (c.passed()) return out + "/>\n";
  std::string figure = number_text(c.value) + " " + c.unit;
  std::string limit = c.limit ? number_text(*c.limit) + " " + c.unit : std::string("none");
  // An unknown check fails the build as a failed one does (it proved nothing), told apart by type.
  out += ">\n      <failure message=\"" + xml(c.name + ": " + c.detail) + "\" type=\"" +
         (c.status == CheckStatus::unknown ? "unknown" : "check") + "\">";
  out += xml("figure: " + figure + "\nlimit: " + limit + "\ndetail: " + c.detail);
  return out + "</failure>\n    </testcase>\n";
}
}  // namespace

std::string to_junit(const RunReport& r, const std::vector<Check>& checks, std::string_view suite) {
  std::size_t failures = 0;
  for (const auto& c : checks) failures += c.passed() ? 0 : 1;
  // An interrupted run is an error (it did not finish), whatever its checks say.
  std::size_t errors = r.interrupted ? 1 : 0;
  std::string counts = "tests=\"" + std::to_string(checks.size() + errors) + "\" failures=\"" +
                       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\"";
  std::string time = " time=\"" + number_text(r.measured_s) + "\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"" + xml(suite) + "\" " + counts + time + ">\n";
  out += "  <testsuite name=\"" + xml(suite) + "\" " + counts + " skipped=\"0\"" + time;
  if (!r.started_at.empty()) out += " timestamp=\"" + xml(r.started_at) + "\"";
  out += ">\n" + properties(r, checks);
  for (const auto& c : checks) out += testcase(c, suite);
  if (r.interrupted)
    out +=
        "    <testcase name=\"ran to the end\" classname=\"" + xml(suite) +
        "\" time=\"0\">\n      <error message=\"interrupted by a signal\" type=\"interrupted\">the "
        "figures cover the part that ran</error>\n    </testcase>\n";
  return out + "  </testsuite>\n</testsuites>\n";
}

bool write_junit(std::FILE* out, const RunReport& r, const std::vector<Check>& checks,
                 std::string_view suite) {
  auto text = to_junit(r, checks, suite);
  return std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
}

}  // namespace sessdemo::loadgen
