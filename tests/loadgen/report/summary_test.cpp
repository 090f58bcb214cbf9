#include "loadgen/report/summary.hpp"

#include <gtest/gtest.h>

#include "tests/support/capture.hpp"

using namespace sessdemo::loadgen;
using sessdemo::test::capture;

namespace {
RunReport two_addresses_one_id(LoadOptions& o) {
  RunReport r;
  r.opts = &o;
  r.addresses = {"127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083"};
  auto& a = r.table.at("A");
  a.counters.requests = 10;
  a.note_address(1);
  a.note_address(0);
  auto& dead = r.table.at("127.0.0.1:8083");
  dead.counters.requests = 2;
  dead.counters.errors = 2;
  dead.note_address(2);
  r.total = r.table.total();
  r.measured_s = 1;
  return r;
}
}  // namespace

TEST(Summary, ShowsEachInstanceWithItsAddressesAndBothLatencies) {
  LoadOptions o;
  auto r = two_addresses_one_id(o);
  r.total.latency.record(5000);
  r.total.service.record(500);
  auto checks = evaluate(r);
  std::string s = capture([&](std::FILE* f) { write_summary(f, r, checks); });
  EXPECT_NE(s.find("A              127.0.0.1:8081 127.0.0.1:8082"), std::string::npos) << s;
  EXPECT_NE(s.find("127.0.0.1:8083 127.0.0.1:8083"), std::string::npos) << s;
  // Addresses and instances counted apart: three addresses, two ids answered.
  EXPECT_NE(s.find(", 3 addresses, 2 instances, "), std::string::npos) << s;
  // 120 columns by default; --wide adds p90, p99.9 and the service time.
  for (std::size_t at = 0, end; at < s.size(); at = end + 1) {
    end = s.find('\n', at);
    if (end == std::string::npos) end = s.size();
    if (s.compare(at, 8, "instance") == 0 || s.compare(at, 4, "all ") == 0) {
      EXPECT_LE(end - at, 120u) << s.substr(at, end - at);
    }
  }
  EXPECT_EQ(s.find("svc p99"), std::string::npos);
  o.wide = true;
  std::string wide = capture([&](std::FILE* f) { write_summary(f, r, checks); });
  EXPECT_NE(wide.find("svc p99"), std::string::npos) << wide;
  EXPECT_NE(wide.find("A                127.0.0.1:8081 127.0.0.1:8082"), std::string::npos) << wide;
  EXPECT_NE(s.find("  service          0.50"), std::string::npos) << s;
  EXPECT_NE(s.find("--max-latency checks latency"), std::string::npos);
  EXPECT_NE(s.find("FAIL  error rate"), std::string::npos) << s;
  EXPECT_NE(s.find("verdict: FAIL"), std::string::npos);
}

TEST(Summary, AnInterruptedRunSaysSo) {
  LoadOptions o;
  auto r = two_addresses_one_id(o);
  r.interrupted = true;
  std::string s = capture([&](std::FILE* f) { write_summary(f, r, evaluate(r)); });
  EXPECT_NE(s.find("INTERRUPTED"), std::string::npos) << s;
  EXPECT_NE(s.find("verdict: INTERRUPTED"), std::string::npos);
}
