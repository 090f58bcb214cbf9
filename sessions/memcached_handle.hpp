#pragma once
// A libmemcached handle as the memcached store uses it (sessions/ only): ketama, CAS, non-blocking
// I/O bounded by the store timeout; and which return codes are a failure of the node.
#include <libmemcached/memcached.h>

#include "sessions/memcached_store.hpp"

namespace sessdemo {

// Throws std::runtime_error when libmemcached cannot make it or a node address is refused.
memcached_st* make_memcached_handle(const MemcachedOptions& o);
// False for every answer of a node that did answer (stored, not found, exists, ...).
bool is_memcached_failure(memcached_return_t rc);

}  // namespace sessdemo
