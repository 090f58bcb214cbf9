#pragma once
// One load thread: its share of the virtual clients, its own connections to every instance and
// its own io_context, so nothing on the request path is shared with other threads. Asio stays
// behind the pimpl.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "loadgen/config/load_shape.hpp"
#include "loadgen/scenario/scenario.hpp"
#include "loadgen/stats/stats.hpp"

namespace sessdemo::loadgen {

class InstanceIdBudget;
class HistoryBuffer;

struct TargetInfo {
  std::string label;    // HOST:PORT as given; figures fall back to it without X-Instance-Id
  std::string address;  // numeric IP to connect to
  std::uint16_t port = 0;
  bool tls = false;  // https://: a TLS handshake after connect
  std::string host;  // as given: sent as SNI (when a name) and checked against the certificate
};

class SaidOnce;

struct WorkerPlan {
  const LoadOptions* opts = nullptr;
  const ScenarioLogic* logic = nullptr;
  std::vector<TargetInfo> targets;
  std::uint32_t first_client = 0;  // global id of this worker's first client
  std::uint32_t client_count = 0;
  unsigned connections_per_target = 1;
  std::uint64_t budget = 0;  // measured requests this worker sends; 0 = no limit
  double rate = 0;           // this worker's share of --rate; 0 = closed model
  // The run's level over time (clients or requests/s, all shards), and this worker's part of
  // it: the open model sends share * level requests/s; the closed model keeps share * level of
  // its clients active (--stages; without them every client is).
  LoadShape shape = LoadShape::constant(0);
  double share = 0;
  std::chrono::steady_clock::time_point load_start;     // the shape's time 0
  std::chrono::steady_clock::time_point measure_start;  // end of the warm-up
  std::chrono::steady_clock::time_point measure_end = std::chrono::steady_clock::time_point::max();
  InstanceIdBudget* ids = nullptr;   // the run's instance ids, shared by the workers
  HistoryBuffer* history = nullptr;  // --history: where this worker's operations go
  SaidOnce* said = nullptr;          // the run's once-only log lines, shared by the workers
};

class Worker {
 public:
  explicit Worker(WorkerPlan plan);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  // No new requests from now on; requests on the wire finish (bounded by the timeout), then the
  // counter scenario reads every client's final value.
  void stop();
  bool finished() const;
  // The figures since the previous call, handed over on the worker's own thread.
  StatsTable take_interval();
  void join();

  // After join():
  const StatsTable& totals() const;
  StatsTable take_totals();          // after join(): the figures moved out, not copied
  std::uint64_t dropped() const;     // open model: ticks counted as dropped (see RunReport)
  std::uint64_t ticks_sent() const;  // open model: measured ticks a client took
  // Clients active now (closed model: let to send; open model: holding a tick). Any thread.
  std::uint32_t active_clients() const;
  // The figures since the last take_interval(): the answers that came in while the wire drained.
  StatsTable take_remaining();
  const std::vector<Client>& clients() const;
  // After join(): what the worker's checker found over its clients' operations.
  const CheckerFigures& checked();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sessdemo::loadgen
