#include "cli/small_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sessdemo::cli {

std::variant<std::string, FileError> read_small_file(const std::string& path,
                                                     std::uintmax_t max_bytes,
                                                     const std::string& what) {
  std::error_code fs_error;
  auto status = std::filesystem::status(path, fs_error);
  if (fs_error || !std::filesystem::exists(status))
    return FileError{"cannot read " + what + " " + path};
  if (!std::filesystem::is_regular_file(status))
    return FileError{what + " " + path + " is not a regular file"};
  auto size = std::filesystem::file_size(path, fs_error);
  if (fs_error || size > max_bytes) {
    std::string limit = max_bytes >= (1u << 20) ? std::to_string(max_bytes >> 20) + " MiB"
                                                : std::to_string(max_bytes >> 10) + " KiB";
    return FileError{what + " " + path + " is larger than " + limit};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileError{"cannot read " + what + " " + path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace sessdemo::cli
