#include "tests/support/pki.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;

namespace sessdemo::test {

TestPki::TestPki() {
  static std::atomic<int> made{0};
  dir = fs::temp_directory_path() /
        ("sessdemo-pki-" + std::to_string(::getpid()) + "-" + std::to_string(made++));
  fs::create_directories(dir);
  std::ofstream(dir / "ext.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  std::string d = dir.string();
  std::string cmd =
      "cd '" + d +
      "' && "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key "
      "-out ca.pem -days 2 -subj /CN=sessdemo-test-ca && "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key "
      "-out server.csr -subj /CN=127.0.0.1 && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem "
      "-days 2 -extfile ext.cnf && "
      "echo subjectAltName=IP:198.18.0.1 > other.cnf && "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other.key "
      "-out other.csr -subj /CN=198.18.0.1 && "
      "openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out other.pem "
      "-days 2 -extfile other.cnf";
  ok = std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

TestPki::~TestPki() {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace sessdemo::test
