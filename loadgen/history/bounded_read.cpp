#include "loadgen/history/bounded_read.hpp"

#include <sys/stat.h>

#include <fstream>

namespace sessdemo::loadgen {

bool read_line(std::istream& in, std::string& line, std::size_t max, bool& too_long) {
  line.clear();
  too_long = false;
  std::streambuf* sb = in.rdbuf();
  if (!sb) return false;
  bool any = false;
  for (;;) {
    int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return any;
    }
    any = true;
    if (c == '\n') return true;
    if (line.size() >= max) {
      too_long = true;
      return true;
    }
    line += static_cast<char>(c);
  }
}

std::variant<std::string, ReadError> read_bounded_file(const std::string& path, std::size_t max) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ReadError{"cannot read " + path};
  if (!S_ISREG(st.st_mode)) return ReadError{path + " is not a regular file"};
  if (static_cast<std::size_t>(st.st_size) > max)
    return ReadError{path + " is " + std::to_string(st.st_size) + " bytes, more than the " +
                     std::to_string(max) + " a run's JSON may be"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return ReadError{"cannot read " + path};
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace sessdemo::loadgen
