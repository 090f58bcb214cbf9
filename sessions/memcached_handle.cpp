#include "sessions/memcached_handle.hpp"

#include <stdexcept>

namespace sessdemo {

memcached_st* make_memcached_handle(const MemcachedOptions& o) {
  memcached_st* mc = memcached_create(nullptr);
  if (!mc) throw std::runtime_error("memcached_create failed");
  auto ms = static_cast<uint64_t>(o.timeout.count());
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION,
                         MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_NO_BLOCK, 1);  // so the timeouts below apply
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, ms);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, ms);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, ms * 1000);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, ms * 1000);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT,
                         static_cast<uint64_t>(o.retry_after.count()));
  for (const auto& s : o.servers) {
    memcached_return_t rc = memcached_server_add(mc, s.host.c_str(), s.port);
    if (rc != MEMCACHED_SUCCESS) {
      memcached_free(mc);
      throw std::runtime_error("bad memcached server " + s.to_string());
    }
  }
  return mc;
}

bool is_memcached_failure(memcached_return_t rc) {
  switch (rc) {
    case MEMCACHED_SUCCESS:
    case MEMCACHED_STORED:
    case MEMCACHED_DELETED:
    case MEMCACHED_END:
    case MEMCACHED_NOTFOUND:
    case MEMCACHED_DATA_EXISTS:
    case MEMCACHED_NOTSTORED:
      return false;
    default:
      return true;
  }
}

}  // namespace sessdemo
