#include "server/read_batcher.hpp"

namespace sessdemo {

ReadBatcher::ReadBatcher(Router& router, unsigned threads, std::size_t max_batch)
    : router_(router), max_batch_(max_batch) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { run(); });
}

ReadBatcher::~ReadBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void ReadBatcher::submit(const http::Request& req, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Job{&req, std::move(done)});
  }
  wake_.notify_one();
}

void ReadBatcher::run() {
  std::vector<Job> batch;
  std::vector<std::string> ids;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to answer
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ids.clear();
    for (const auto& job : batch) ids.push_back(router_.session_id(*job.req));
    auto outcomes = router_.read_sessions(ids);  // one round trip for the whole batch
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(router_.handle_read(*batch[i].req, outcomes[i]));
  }
}

}  // namespace sessdemo
