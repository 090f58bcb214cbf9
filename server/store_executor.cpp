#include "server/store_executor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "sessions/deadline.hpp"

namespace sessdemo {

StoreExecutor::StoreExecutor(Router& router, SessionService& sessions, StoreExecutorConfig config,
                             ExecutorStats& stats)
    : router_(router), sessions_(sessions), config_(config), stats_(stats) {
  config_.read_threads = std::max(1u, config_.read_threads);
  config_.write_threads = std::max(1u, config_.write_threads);
  config_.max_batch = std::max<std::size_t>(1, config_.max_batch);
  reads_.budget = config_.read_budget;
  writes_.budget = config_.write_budget;
  // spdlog makes its registry on first use, inside its (uninstrumented) library: made here,
  // before the threads start, no two of them can race to make it (ThreadSanitizer saw that).
  spdlog::default_logger_raw();
  for (unsigned i = 0; i < config_.read_threads; ++i)
    threads_.emplace_back([this] { run_reads(); });
  for (unsigned i = 0; i < config_.write_threads; ++i)
    threads_.emplace_back([this] { run_writes(); });
  threads_.emplace_back([this] { reap(); });
}

StoreExecutor::~StoreExecutor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  reads_.wake.notify_all();
  writes_.wake.notify_all();
  reaper_wake_.notify_all();
  for (auto& t : threads_) t.join();
  for (LaneQueue* lane : {&reads_, &writes_})
    for (auto& job : lane->queue) refuse(job, http::Status::service_unavailable);
}

void StoreExecutor::submit(const http::Request& req, Routed& routed, Done done) {
  LaneQueue& lane = routed.lane == Lane::read ? reads_ : writes_;
  Job job{&req, &routed, std::move(done), Clock::now() + lane.budget};
  bool wake_reaper = false;
  {
    std::unique_lock lock(mutex_);
    if (stopping_ || lane.queue.size() >= config_.max_queue) {
      lock.unlock();
      stats_.overloaded++;
      refuse(job, http::Status::service_unavailable);
      return;
    }
    // The reaper sleeps until the earliest deadline it knows of; it needs a word only when this
    // job's deadline comes before that (in practice: when it was idle). Under load it wakes
    // about once per budget, not once per request.
    if (job.deadline < reaper_until_) {
      reaper_until_ = job.deadline;
      wake_reaper = true;
    }
    lane.queue.push_back(std::move(job));
  }
  lane.wake.notify_one();
  if (wake_reaper) reaper_wake_.notify_one();
}

void StoreExecutor::refuse(Job& job, http::Status status) noexcept {
  try {
    finish(job, router_.refusal(*job.req, job.routed->route, status));
  } catch (const std::exception& e) {
    spdlog::error("store executor: cannot build a {} answer: {}", static_cast<int>(status),
                  e.what());
  }
}

void StoreExecutor::finish(Job& job, http::Response res) noexcept {
  try {
    job.done(std::move(res));
  } catch (const std::exception& e) {
    spdlog::error("store executor: answering a request failed: {}", e.what());
  }
}

void StoreExecutor::reap() {
  std::vector<Job> expired;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto now = Clock::now();
    auto next = Clock::time_point::max();
    for (LaneQueue* lane : {&reads_, &writes_}) {
      while (!lane->queue.empty() && lane->queue.front().deadline <= now) {
        expired.push_back(std::move(lane->queue.front()));
        lane->queue.pop_front();
      }
      if (!lane->queue.empty()) next = std::min(next, lane->queue.front().deadline);
    }
    if (!expired.empty()) {
      lock.unlock();
      for (auto& job : expired) {
        stats_.expired++;
        refuse(job, http::Status::service_unavailable);
      }
      expired.clear();
      lock.lock();
      continue;
    }
    // A job submitted from now on is due no sooner than now plus the shorter budget: sleeping
    // until then (or until the earliest queued deadline) misses none of them, so submit() need
    // wake the reaper only for a deadline before this (in practice never), and under load the
    // reaper wakes about once per budget, not once per request. reaper_until_ is what submit()
    // compares with, kept in step here: without it a reaper that slept with nothing queued
    // never heard of later jobs, which then waited past their deadlines for a lane thread.
    next = std::min(next, now + std::max(std::chrono::milliseconds(1),
                                         std::min(reads_.budget, writes_.budget)));
    reaper_until_ = next;
    reaper_wake_.wait_until(lock, next);
  }
}

void StoreExecutor::run_reads() {
  std::vector<Job> batch;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(mutex_);
      reads_.wake.wait(lock, [&] { return stopping_ || !reads_.queue.empty(); });
      if (stopping_) return;
      while (!reads_.queue.empty() && batch.size() < config_.max_batch) {
        batch.push_back(std::move(reads_.queue.front()));
        reads_.queue.pop_front();
      }
    }
    run_batch(batch);
  }
}

void StoreExecutor::run_batch(std::vector<Job>& batch, bool here) {
  auto now = Clock::now();
  // Taken after its deadline (the reaper had not got to it yet): answered as the reaper would.
  // Deadlines grow along the queue, so the late ones are a prefix of the batch.
  std::size_t late = 0;
  while (late < batch.size() && batch[late].deadline <= now) {
    stats_.expired++;
    refuse(batch[late++], http::Status::service_unavailable);
  }
  if (late) batch.erase(batch.begin(), batch.begin() + static_cast<long>(late));
  if (batch.empty()) return;
  // Kept from batch to batch on this thread, so a batch allocates no vectors of its own.
  thread_local std::vector<std::string> ids;
  ids.clear();
  std::vector<ReadOutcome> outcomes;
  auto started = Clock::now();
  try {
    for (auto& job : batch) ids.push_back(std::move(job.routed->session_id));  // its last use
    // The earliest: the batch ends by it (on an I/O thread, by inline_cap).
    deadline::Scope scope(here ? std::min(batch.front().deadline, started + config_.inline_cap)
                               : batch.front().deadline,
                          here);
    outcomes = sessions_.read_many(ids);  // one round trip per node for the batch
    stats_.batches++;
    stats_.batched_reads += batch.size();
  } catch (const std::exception& e) {
    store_fast_.store(false, std::memory_order_relaxed);
    spdlog::error("store executor: a read batch of {} failed: {}", batch.size(), e.what());
    stats_.internal_errors += batch.size();
    for (auto& job : batch) refuse(job, http::Status::internal_server_error);
    return;
  }
  bool answered = std::none_of(outcomes.begin(), outcomes.end(), [](const ReadOutcome& o) {
    return o.status == StoreStatus::unavailable;
  });
  // Written only on a change: every I/O thread and read thread shares this line.
  bool fast = answered && Clock::now() - started <= config_.inline_slow;
  if (store_fast_.load(std::memory_order_relaxed) != fast)
    store_fast_.store(fast, std::memory_order_relaxed);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (here && outcomes[i].status == StoreStatus::unavailable) {
      batch[i].routed->session_id = std::move(ids[i]);  // the read lane reads it again
      requeue_read(batch[i]);
      continue;
    }
    http::Response res;
    try {
      res = router_.handle_read(*batch[i].routed, outcomes[i]);
    } catch (const std::exception& e) {
      spdlog::error("store executor: {} {}: {}", std::string(batch[i].req->method_string()),
                    std::string(batch[i].req->target()), e.what());
      stats_.internal_errors++;
      refuse(batch[i], http::Status::internal_server_error);
      continue;
    }
    finish(batch[i], std::move(res));
  }
}

void StoreExecutor::read_here(std::vector<Read>& reads) {
  thread_local std::vector<Job> batch;  // an I/O thread's, kept from turn to turn
  // Emptied on the way out, however it is left: the answered jobs' handlers go now, and none is
  // kept past its I/O thread's loop.
  struct Emptied {
    std::vector<Job>& jobs;
    ~Emptied() { jobs.clear(); }
  } emptied{batch};
  auto deadline = Clock::now() + reads_.budget;
  for (std::size_t at = 0; at < reads.size(); at += config_.max_batch) {
    batch.clear();
    for (std::size_t i = at; i < std::min(reads.size(), at + config_.max_batch); ++i)
      batch.push_back(Job{reads[i].req, reads[i].routed, std::move(reads[i].done), deadline});
    stats_.batches_here++;
    run_batch(batch, true);
  }
}

// A read the I/O thread could not get answered within inline_cap: to the front of the read lane
// (it arrived before most of what waits there), with its own deadline, which the reaper is told
// of when it comes before the one it sleeps until (as in submit).
void StoreExecutor::requeue_read(Job& job) {
  {
    std::unique_lock lock(mutex_);
    if (!stopping_ && reads_.queue.size() < config_.max_queue) {
      bool wake_reaper = job.deadline < reaper_until_;
      if (wake_reaper) reaper_until_ = job.deadline;
      reads_.queue.push_front(std::move(job));
      lock.unlock();
      reads_.wake.notify_one();
      if (wake_reaper) reaper_wake_.notify_one();
      return;
    }
  }
  stats_.overloaded++;
  refuse(job, http::Status::service_unavailable);
}

void StoreExecutor::run_writes() {
  for (;;) {
    std::optional<Job> job;
    {
      std::unique_lock lock(mutex_);
      writes_.wake.wait(lock, [&] { return stopping_ || !writes_.queue.empty(); });
      if (stopping_) return;
      job.emplace(std::move(writes_.queue.front()));
      writes_.queue.pop_front();
    }
    run_one(*job);
  }
}

void StoreExecutor::run_one(Job& job) {
  if (job.deadline <= Clock::now()) {
    stats_.expired++;
    refuse(job, http::Status::service_unavailable);
    return;
  }
  http::Response res;
  try {
    deadline::Scope scope(job.deadline);
    res = router_.handle(*job.req, *job.routed);
  } catch (const std::exception& e) {
    spdlog::error("store executor: {} {}: {}", std::string(job.req->method_string()),
                  std::string(job.req->target()), e.what());
    stats_.internal_errors++;
    refuse(job, http::Status::internal_server_error);
    return;
  }
  finish(job, std::move(res));
}

}  // namespace sessdemo
