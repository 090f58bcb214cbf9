#include "sessions/store.hpp"

namespace sessdemo {

const char* to_string(StoreStatus s) {
  switch (s) {
    case StoreStatus::ok:
      return "ok";
    case StoreStatus::not_found:
      return "not_found";
    case StoreStatus::conflict:
      return "conflict";
    case StoreStatus::unavailable:
      return "unavailable";
  }
  return "unknown";
}

}  // namespace sessdemo
