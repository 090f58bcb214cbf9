#pragma once
// --junit FILE: the run's checks as a JUnit XML report, the format the test reporters of Jenkins,
// GitLab and GitHub read: one testsuite, one testcase per check, a failure element (figure,
// limit, detail) for each failed one, the run's settings as properties.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/report/checks.hpp"

namespace sessdemo::loadgen {

// suite: the command that judged ("sessdemo load", "sessdemo merge", "sessdemo check").
std::string to_junit(const RunReport& r, const std::vector<Check>& checks, std::string_view suite);

// Writes it to out; false when it could not be written whole.
bool write_junit(std::FILE* out, const RunReport& r, const std::vector<Check>& checks,
                 std::string_view suite);

}  // namespace sessdemo::loadgen
