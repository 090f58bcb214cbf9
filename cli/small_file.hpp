#pragma once
// Reading a file the operator names (--config, --csrf-secret): a regular file of a sensible
// size, since a directory would read as empty and /dev/zero forever.
#include <cstdint>
#include <string>
#include <variant>

namespace sessdemo::cli {

struct FileError {
  std::string message;  // one line: what is wrong with which file
};

// what: how the message names the file ("the config file").
std::variant<std::string, FileError> read_small_file(const std::string& path,
                                                     std::uintmax_t max_bytes,
                                                     const std::string& what);

}  // namespace sessdemo::cli
