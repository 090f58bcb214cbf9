// sessdemo behind a real nginx: the tester sees one address and attributes every answer to
// the instance named in X-Instance-Id.
#include <gtest/gtest.h>

#include "tests/support/load_run.hpp"
#include "tests/support/nginx.hpp"

using namespace sessdemo::test;

TEST(NginxIntegration, RoundRobinWithMemcachedHasNoMissesAndUsesAllInstances) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  Nginx lb("roundrobin", address_list(inst));
  auto r = run_load({"--instances", lb.address(), "--clients", "60", "--duration", "2s"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0);
  EXPECT_GT(r.total_of("hits"), 500);
  const auto& per = r.json.at("instances").as_object();
  ASSERT_EQ(per.size(), 3u) << r.out;
  for (const auto& [name, figures] : per) {
    EXPECT_EQ(std::string(name).rfind("inst-", 0), 0u);
    EXPECT_GT(figures.as_object().at("requests").to_number<std::int64_t>(), 100)
        << std::string(name);
  }
}

TEST(NginxIntegration, RoundRobinWithMemoryStoreMissesTwoThirds) {
  auto inst = three_instances({"--store", "memory"});
  Nginx lb("roundrobin", address_list(inst));
  auto r = run_load({"--instances", lb.address(), "--clients", "60", "--duration", "2s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  double reads =
      static_cast<double>(r.total_of("hits") + r.total_of("misses") + r.total_of("stale"));
  EXPECT_NEAR(r.total_of("misses") / reads, 2.0 / 3.0, 0.1) << r.out;
}

TEST(NginxIntegration, StickyConfigKeepsAVisitorOnOneInstanceWithMemcached) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  Nginx lb("sticky", address_list(inst));
  auto r = run_load({"--instances", lb.address(), "--clients", "60", "--duration", "2s"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0);
}
