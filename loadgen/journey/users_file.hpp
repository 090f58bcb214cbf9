#pragma once
// A journey's users (`users: FILE`): a CSV file with a header row and one row per user, as k6
// and Artillery read payload files (RFC 4180 quoting: a cell in double quotes may hold commas,
// and "" is a quote).
#include <string>
#include <variant>
#include <vector>

namespace sessdemo::loadgen {

struct UsersFile {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

// The file's users, or why not ("FILE:ROW: 3 cells, the header has 2"); a relative path is
// taken beside the file `beside` (the journey).
std::variant<UsersFile, std::string> read_users_file(const std::string& file,
                                                     const std::string& beside);

}  // namespace sessdemo::loadgen
