#pragma once
// Another user of the cache, for the eviction scenarios: writes a bounded number of small
// values (the sizes sessions have, since memcached evicts within a size class) under keys of
// its own to one memcached node, on a thread, as fast as the node takes them. Only ever the
// demo's own nodes (loopback or the namespaces' addresses). Stops when done or destroyed.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace sessdemo::demo {

class CacheFiller {
 public:
  // address: HOST:PORT of the node; keys: how many values to write (bounded).
  CacheFiller(std::string address, unsigned keys);
  ~CacheFiller();
  CacheFiller(const CacheFiller&) = delete;
  CacheFiller& operator=(const CacheFiller&) = delete;
  unsigned written() const { return written_; }

 private:
  void run();
  std::string host_;
  std::uint16_t port_ = 0;
  unsigned keys_;
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> written_{0};
  std::thread thread_;
};

}  // namespace sessdemo::demo
