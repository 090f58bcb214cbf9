#pragma once
// The files a load run writes: the per-interval CSV and the JSON document. "-" means standard
// output for either.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/report/checks.hpp"
#include "loadgen/report/csv_writer.hpp"

namespace sessdemo::loadgen {

// A file opened for writing, or standard output for "-"; closed (not stdout) on destruction.
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  std::FILE* get() const { return f_; }
  bool is_stdout() const { return stdout_; }

 private:
  std::FILE* f_ = nullptr;
  bool stdout_ = false;
};

std::string to_json(const RunReport& r, const std::vector<Check>& checks);
// The same, written to out as it is made (false when a write failed).
bool write_json(std::FILE* out, const RunReport& r, const std::vector<Check>& checks);

}  // namespace sessdemo::loadgen
