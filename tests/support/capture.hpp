#pragma once
// What a function writes to a FILE*, as a string (for tests of the text outputs); what the
// code under test logs, while a LogCapture lives.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

namespace sessdemo::test {

inline std::string capture(const std::function<void(std::FILE*)>& fn) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  fn(f);
  std::fclose(f);
  std::string s(buf, len);
  std::free(buf);
  return s;
}

struct LogCapture {
  LogCapture()
      : sink(std::make_shared<spdlog::sinks::ostream_sink_mt>(text)),
        old(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(old); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string said() const { return text.str(); }
  std::ostringstream text;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink;
  std::shared_ptr<spdlog::logger> old;
};

}  // namespace sessdemo::test
