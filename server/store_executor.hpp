#pragma once
// The one component between requests and the session store. It owns:
// - the threads that make blocking store calls, in two lanes: read threads take every waiting
//   read of a read-only page (up to max_batch) and load them with one multi-get per node; write
//   threads take one request at a time (writes, locks, /readyz);
// - the store's connections, through them: each thread has its own handle per memcached node, so
//   nothing waits for a handle;
// - deadlines: a request is answered by its arrival plus its lane's budget. One still queued
//   then gets 503 without touching the store; one running has every store call cut short at
//   the deadline (sessions/deadline.hpp), so it ends with 503 too;
// - the failure boundary: an exception while handling a request answers 500 and is logged.
// Both lanes have a bounded queue; a request that finds it full gets 503 at once.
// - reads on the caller's thread: while the store answers fast, an I/O thread loads the reads
//   that arrived in one turn of its loop itself (read_here), with one multi-get per node and no
//   thread hand-off (two wake-ups per batch saved). It waits for the store at most inline_cap;
//   the reads not answered by then go to the read lane with what is left of their deadline.
//   A batch that failed or took longer than inline_slow closes that path, and a fast batch of
//   the read lane opens it again: a stalled store holds an I/O thread once, for inline_cap.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "common/move_function.hpp"
#include "server/executor_stats.hpp"
#include "server/router.hpp"

namespace sessdemo {

struct StoreExecutorConfig {
  unsigned read_threads = 2;     // lanes' threads: reads of read-only pages, batched
  unsigned write_threads = 16;   // everything else that needs the store, one at a time
  std::size_t max_batch = 64;    // reads loaded by one multi-get at most
  std::size_t max_queue = 8192;  // per lane; past it a request gets 503 at once
  std::chrono::milliseconds read_budget{250};  // a read is answered this long after it arrived
  std::chrono::milliseconds write_budget{
      250};                  // the same for writes (lock mode adds the lock wait)
  bool inline_reads = true;  // read_here may be used while the store answers fast
  std::chrono::microseconds inline_slow{2000};  // a batch slower than this closes read_here
  std::chrono::microseconds inline_cap{10000};  // read_here's longest wait for the store
};

class StoreExecutor {
 public:
  using Clock = std::chrono::steady_clock;
  using Done = MoveFunction<void(http::Response)>;  // move-only: it may hold an Asio handler

  // The router answers the requests; the read lane loads their sessions from `sessions` itself,
  // several with one multi-get.
  // It counts what it refuses and batches into stats (Metrics::executor_counters()).
  StoreExecutor(Router& router, SessionService& sessions, StoreExecutorConfig config,
                ExecutorStats& stats);
  // Answers what is still queued with 503 and waits for the running calls (each bounded by
  // its deadline).
  ~StoreExecutor();
  StoreExecutor(const StoreExecutor&) = delete;
  StoreExecutor& operator=(const StoreExecutor&) = delete;

  // Handles req in the lane routed names (Lane::read or Lane::write); req and routed must stay
  // alive until done is called (the read lane takes routed's session id for its batch). done
  // is called exactly once, on one of the executor's threads (or on the caller's, for a full
  // queue).
  void submit(const http::Request& req, Routed& routed, Done done);

  // A read (Lane::read) to load on the caller's thread; req and routed as for submit.
  struct Read {
    const http::Request* req;
    Routed* routed;
    Done done;
  };
  // Whether read_here may be used now: on, and the store's last batch was fast and answered.
  bool reads_here() const {
    return config_.inline_reads && store_fast_.load(std::memory_order_relaxed);
  }
  // Loads the reads with one multi-get per node on the calling thread (max_batch at a time), by
  // the read budget from now, and answers each (done called on this thread, before it returns,
  // or by the read lane for what the store did not answer within inline_cap).
  void read_here(std::vector<Read>& reads);

  const ExecutorStats& stats() const { return stats_; }
  const StoreExecutorConfig& config() const { return config_; }

 private:
  struct Job {
    const http::Request* req;
    Routed* routed;
    Done done;
    Clock::time_point deadline;
  };
  struct LaneQueue {
    std::deque<Job> queue;
    std::condition_variable wake;
    std::chrono::milliseconds budget;
  };

  void run_reads();
  void run_writes();
  void reap();  // answers the jobs whose deadline passed while queued
  // here: on the caller's thread, the store's wait cut at inline_cap, and the reads it did not
  // answer handed to the read lane instead of answered 503.
  void run_batch(std::vector<Job>& batch, bool here = false);
  void requeue_read(Job& job);
  void run_one(Job& job);
  void refuse(Job& job, http::Status status) noexcept;
  void finish(Job& job, http::Response res) noexcept;

  Router& router_;
  SessionService& sessions_;
  StoreExecutorConfig config_;
  ExecutorStats& stats_;
  std::mutex mutex_;  // guards both lanes and stopping_
  LaneQueue reads_;
  LaneQueue writes_;
  std::condition_variable reaper_wake_;
  Clock::time_point reaper_until_ = Clock::time_point::max();  // when the reaper wakes next
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::atomic<bool> store_fast_{true};  // the last read batch answered within inline_slow
};

}  // namespace sessdemo
