#include "demo/nemesis.hpp"

#include <signal.h>

#include <charconv>
#include <cstdio>
#include <fstream>

#include "common/json_text.hpp"
#include "common/start_line.hpp"
#include "demo/cache_filler.hpp"
#include "demo/netns.hpp"

namespace sessdemo::demo {

namespace {
using std::chrono::milliseconds;

// SIGKILL to one process: no end.
class Kill final : public Nemesis {
 public:
  Kill(ChildProcess& p, std::string target) : p_(p), target_(std::move(target)) {}
  const char* start_name() const override { return "kill"; }
  std::string target() const override { return target_; }
  bool start() override {
    p_.signal(SIGKILL);
    return true;
  }

 private:
  ChildProcess& p_;
  std::string target_;
};

// SIGSTOP, then SIGCONT: a process that stops answering and comes back with its state.
class Pause final : public Nemesis {
 public:
  Pause(ChildProcess& p, std::string target) : p_(p), target_(std::move(target)) {}
  const char* start_name() const override { return "stall"; }
  const char* stop_name() const override { return "resume"; }
  std::string target() const override { return target_; }
  bool lasting() const override { return true; }
  bool start() override {
    p_.signal(SIGSTOP);
    return true;
  }
  void stop() override { p_.signal(SIGCONT); }

 private:
  ChildProcess& p_;
  std::string target_;
};

// Another user of the cache writes a burst of its own data (15 MB: more than an 8 MB node holds).
class Fill final : public Nemesis {
 public:
  Fill(std::string address, std::string target)
      : address_(std::move(address)), target_(std::move(target)) {}
  const char* start_name() const override { return "fill"; }
  std::string target() const override { return target_; }
  bool start() override {
    filler_ = std::make_unique<CacheFiller>(address_, 60000);
    return true;
  }
  ~Fill() override { filler_.reset(); }  // done by then; stopped if not

 private:
  std::string address_, target_;
  std::unique_ptr<CacheFiller> filler_;
};

// The first instance loses the first node, both ways; the others still reach it.
class Partition final : public Nemesis {
 public:
  explicit Partition(NetnsTopology& net) : net_(net) {}
  const char* start_name() const override { return "partition"; }
  std::string target() const override { return "inst-A/node-1"; }
  bool lasting() const override { return true; }
  bool start() override { return net_.cut(net_.instances()[0], net_.nodes()[0].address); }
  void stop() override { net_.heal(net_.instances()[0]); }

 private:
  NetnsTopology& net_;
};

// The first node loses every instance, and keeps its data meanwhile.
class Isolate final : public Nemesis {
 public:
  explicit Isolate(NetnsTopology& net) : net_(net) {}
  const char* start_name() const override { return "isolate"; }
  std::string target() const override { return "node-1"; }
  bool lasting() const override { return true; }
  bool start() override { return net_.isolate(net_.nodes()[0]); }
  void stop() override { net_.heal(net_.nodes()[0]); }

 private:
  NetnsTopology& net_;
};

// 20 ms on every packet the first node sends (netem).
class Delay final : public Nemesis {
 public:
  explicit Delay(NetnsTopology& net) : net_(net) {}
  const char* start_name() const override { return "delay"; }
  std::string target() const override { return "node-1"; }
  bool lasting() const override { return true; }
  bool start() override { return net_.delay(net_.nodes()[0], milliseconds(20)); }
  void stop() override { net_.undelay(net_.nodes()[0]); }

 private:
  NetnsTopology& net_;
};
}  // namespace

std::unique_ptr<Nemesis> make_nemesis(Fault f, Cluster& c) {
  switch (f) {
    case Fault::none:
      return nullptr;
    case Fault::kill_instance:
      return std::make_unique<Kill>(c.instances->front(), start_line::instance_name(0));
    case Fault::kill_node:
      return std::make_unique<Kill>((*c.nodes)[1], "node-2");
    case Fault::stall_memcached:
      return std::make_unique<Pause>(c.nodes->front(), "node-1");
    case Fault::fill_shared:
      return std::make_unique<Fill>(c.fill_target, "node-1");
    case Fault::fill_other:
      return std::make_unique<Fill>(c.fill_target, "other-node");
    case Fault::partition_one:
      return std::make_unique<Partition>(*c.net);
    case Fault::isolate_node:
      return std::make_unique<Isolate>(*c.net);
    case Fault::delay_node:
      return std::make_unique<Delay>(*c.net);
  }
  return nullptr;
}

bool add_nemesis_events(const std::string& path, const std::vector<FaultEvent>& events) {
  std::ifstream in(path);
  if (!in) return false;
  std::string tmp = path + ".tmp", line;
  std::ofstream out(tmp);
  std::uint64_t index = 0;
  std::size_t next = 0;
  std::int64_t last_time = 0;
  auto nemesis_line = [&](const FaultEvent& e, std::int64_t t) {
    std::string value;
    append_json_string(value, e.name + " " + e.target);
    bool start = e.name != "heal" && e.name != "resume";
    out << "{\"index\":" << index++ << ",\"time\":" << t
        << ",\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"" << (start ? "start" : "stop")
        << "\",\"value\":\"" << value << "\"}\n";
  };
  auto event_ns = [](const FaultEvent& e) { return static_cast<std::int64_t>(e.elapsed_s * 1e9); };
  while (std::getline(in, line)) {
    // {"index":N,"time":T,...: the time decides where the events go; the index is renumbered.
    auto at = line.find(",\"time\":");
    if (line.rfind("{\"index\":", 0) != 0 || at == std::string::npos) return false;
    std::int64_t t = 0;
    auto begin = line.data() + at + 8;
    std::from_chars(begin, line.data() + line.size(), t);
    while (next < events.size() && event_ns(events[next]) <= t) {
      nemesis_line(events[next], std::max(last_time, event_ns(events[next])));
      ++next;
    }
    last_time = t;
    out << "{\"index\":" << index++ << line.substr(at) << "\n";
  }
  for (; next < events.size(); ++next)
    nemesis_line(events[next], std::max(last_time, event_ns(events[next])));
  out.close();
  if (!out) return false;
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace sessdemo::demo
