#include "demo/cache_filler.hpp"

#include <libmemcached/memcached.h>

namespace sessdemo::demo {

CacheFiller::CacheFiller(std::string address, unsigned keys) : keys_(keys) {
  auto colon = address.rfind(':');
  host_ = address.substr(0, colon);
  port_ = static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)));
  thread_ = std::thread([this] { run(); });
}

CacheFiller::~CacheFiller() {
  stop_ = true;
  thread_.join();
}

void CacheFiller::run() {
  memcached_st* mc = memcached_create(nullptr);
  if (!mc) return;
  // Fire and forget, in buffered batches: a cache's other users do not wait for the sessions.
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_NOREPLY, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_BUFFER_REQUESTS, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, 1000);
  memcached_server_add(mc, host_.c_str(), port_);
  const std::string value(448, 'f');
  for (unsigned i = 0; i < keys_ && !stop_; ++i) {
    std::string key = "demo-filler:" + std::to_string(i);
    std::size_t size = 64 + (i % 7) * 64;
    if (memcached_set(mc, key.data(), key.size(), value.data(), size, 0, 0) == MEMCACHED_SUCCESS)
      written_++;
    if (i % 1000 == 999) memcached_flush_buffers(mc);
  }
  memcached_flush_buffers(mc);
  memcached_free(mc);
}

}  // namespace sessdemo::demo
