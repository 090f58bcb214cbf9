#pragma once
// Batches the store reads of read-only pages: the I/O threads hand over requests, a few batch
// threads take everything that is waiting, load all those sessions in one store round trip
// (one memcached multi-get), and answer each request. Under load this replaces a thread
// hand-off and a memcached round trip per request with one per batch; with no load a batch is
// a single request and nothing waits for a batch to fill.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "server/router.hpp"

namespace sessdemo {

class ReadBatcher {
 public:
  using Done = std::function<void(http::Response)>;
  ReadBatcher(Router& router, unsigned threads, std::size_t max_batch = 64);
  ~ReadBatcher();
  ReadBatcher(const ReadBatcher&) = delete;
  ReadBatcher& operator=(const ReadBatcher&) = delete;

  // req must stay alive until done has been called; done runs on a batch thread.
  void submit(const http::Request& req, Done done);

 private:
  struct Job {
    const http::Request* req;
    Done done;
  };
  void run();

  Router& router_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sessdemo
