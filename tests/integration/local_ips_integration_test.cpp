// --local-ips behind a balancer that hashes the client's whole address (nginx `hash
// $remote_addr`): from one address every client stays on one instance and the run cannot tell
// a shared store from per-instance ones (unknown); from many addresses a client's requests
// come from several, the balancer moves it, and the verdict flips with the store.
#include <gtest/gtest.h>

#include "tests/support/load_run.hpp"
#include "tests/support/nginx.hpp"

using namespace sessdemo::test;

namespace {
LoadRun load(const Nginx& lb, std::vector<std::string> extra) {
  std::vector<std::string> args{"--instances", lb.address(), "--clients", "30",         "--threads",
                                "1",           "--duration", "2s",        "--requests", "3000"};
  // Fewer connections than clients: a client's requests go out on whichever is free, as
  // connections are shared by clients.
  args.insert(args.end(), {"--connections", "4"});
  args.insert(args.end(), extra.begin(), extra.end());
  return run_load(args);
}

bool says(const LoadRun& r, const std::string& text) {
  return r.out.find(text) != std::string::npos;
}
}  // namespace

TEST(LocalIps, ASourceAddressHashIsAnsweredOnlyFromManyAddresses) {
  auto memory = three_instances({"--store", "memory"});
  Nginx lb("remote-addr-hash", address_list(memory));
  auto one = load(lb, {});
  EXPECT_EQ(one.exit_code, 1) << one.out;
  EXPECT_TRUE(says(one, "verdict: UNKNOWN")) << one.out;
  EXPECT_EQ(one.total_of("crossed"), 0) << one.out;
  auto many = load(lb, {"--local-ips", "127.0.0.2-127.0.0.60"});
  EXPECT_EQ(many.exit_code, 1) << many.out;
  EXPECT_TRUE(says(many, "FAIL  miss rate")) << many.out;
  EXPECT_TRUE(says(many, "PASS  crossed instances")) << many.out;

  Memcached mc;
  auto shared = three_instances({"--memcached", mc.address()});
  Nginx lb2("remote-addr-hash", address_list(shared));
  auto good = load(lb2, {"--local-ips", "127.0.0.2-127.0.0.60"});
  EXPECT_EQ(good.exit_code, 0) << good.out;
  EXPECT_TRUE(says(good, "PASS  crossed instances")) << good.out;
  EXPECT_EQ(good.total_of("misses"), 0) << good.out;
}

TEST(LocalIps, ABadListIsRefusedInOneLine) {
  auto r = run_load_with_log({"--instances", "127.0.0.1:9", "--local-ips", "127.0.0.9-127.0.0.2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--local-ips takes numeric addresses and IPv4 ranges A-B"),
            std::string::npos)
      << r.err;
}
