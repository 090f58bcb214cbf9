// The quorum store over three real memcached nodes, whose copies it asks at once (a multi-get
// sent on every node's connection before any answer is read): answers land with their own ids,
// a stopped node costs its share of the deadline and no more, and its late answer, still in its
// connection when it resumes, is never taken for the next request's.
#include <gtest/gtest.h>
#include <signal.h>

#include "sessions/deadline.hpp"
#include "sessions/memcached_store.hpp"
#include "sessions/quorum_store.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo;
using namespace sessdemo::test;
using namespace std::chrono;

namespace {
struct ThreeNodes {
  Memcached mc[3];
  std::unique_ptr<QuorumStore> store;
  ThreeNodes() {
    std::vector<ReplicaNode> list;
    for (auto& m : mc) {
      MemcachedOptions o;
      o.servers = {{"127.0.0.1", m.port}};
      o.key_prefix = "quorum-it";
      o.timeout = milliseconds(300);
      list.push_back({m.address(), std::make_unique<MemcachedStore>(o)});
    }
    ReplicationOptions r;
    r.copies = 3;
    r.health.failures_to_eject = 100;  // keep the stopped node in rotation: it is asked every time
    store = std::make_unique<QuorumStore>(std::move(list), r);
  }
};

Session named(const std::string& name) {
  Session s;
  s.name = name;
  return s;
}
}  // namespace

TEST(QuorumMemcached, CopiesAskedAtOnceAnswerForTheirOwnIds) {
  ThreeNodes n;
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    ids.push_back("id-" + std::to_string(i));
    ASSERT_EQ(n.store->create(ids.back(), named("v" + std::to_string(i)), seconds(60)),
              StoreStatus::ok);
  }
  ids.push_back("never-written");
  auto got = n.store->load_many(ids);
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(got[i].status, StoreStatus::ok) << ids[i];
    EXPECT_EQ(*got[i].session->name, "v" + std::to_string(i));
  }
  EXPECT_EQ(got[40].status, StoreStatus::not_found);
  // A read, modified and written back (the write starts from what the read was told).
  auto r = n.store->load("id-3");
  Session next = *r.session;
  next.name = "changed";
  next.version++;
  ASSERT_EQ(n.store->save("id-3", next, seconds(60), r.cas), StoreStatus::ok);
  EXPECT_EQ(*n.store->load("id-3").session->name, "changed");
}

TEST(QuorumMemcached, AStoppedNodeCostsItsShareAndItsLateAnswerIsNeverTaken) {
  ThreeNodes n;
  const std::vector<std::string> ids = {"a1", "a2", "a3", "a4", "a5", "a6"};
  for (const auto& id : ids)
    ASSERT_EQ(n.store->create(id, named(id), seconds(60)), StoreStatus::ok);
  n.mc[0].proc.signal(SIGSTOP);
  for (int round = 0; round < 2; ++round) {
    for (const auto& id : ids) {
      auto t0 = steady_clock::now();
      LoadResult r;
      {
        deadline::Scope scope(steady_clock::now() + milliseconds(600));
        r = n.store->load(id);
      }
      auto took = steady_clock::now() - t0;
      ASSERT_EQ(r.status, StoreStatus::ok) << id << ": " << r.error;
      EXPECT_EQ(*r.session->name, id);
      EXPECT_LT(took, milliseconds(700)) << id;
    }
  }
  n.mc[0].proc.signal(SIGCONT);
  // The node answers again; the answers it owed from before are not read as these ids' values.
  for (int round = 0; round < 3; ++round)
    for (const auto& id : ids) {
      auto r = n.store->load(id);
      ASSERT_EQ(r.status, StoreStatus::ok) << id << ": " << r.error;
      EXPECT_EQ(*r.session->name, id);
    }
  auto many = n.store->load_many(ids);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(*many[i].session->name, ids[i]);
}
