#pragma once
// A test CA made here by openssl: a server certificate for 127.0.0.1 and localhost, and one
// from the same CA for another address (198.18.0.1, never contacted), in a directory removed
// at the end. ok is false when openssl is missing or failed.
#include <filesystem>
#include <string>

namespace sessdemo::test {

struct TestPki {
  TestPki();
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;
  std::string file(const char* name) const { return (dir / name).string(); }
  std::filesystem::path dir;
  bool ok = false;
};

}  // namespace sessdemo::test
