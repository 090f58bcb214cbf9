#pragma once
// What a request is, decided once when it arrives: its route (for the metrics and the answer)
// and the lane that handles it. The router decides it (Router::route); the connection carries
// it to the router's handlers or to the store executor, which picks its lane from it.
#include <cstdint>
#include <string>

namespace sessdemo {

enum class Route {
  home,
  details,
  api_session,
  api_visits,
  healthz,
  readyz,
  metrics,
  other,
  count_
};
const char* to_string(Route r);

// Where a request is handled: on the I/O thread at once (no store call: /healthz, /metrics,
// GET / without a session, 404, 405), by the store executor's read lane (read-only pages, their
// loads batched) or by its write lane (everything else that needs the store).
enum class Lane : std::uint8_t { io, read, write };

struct RouteSpec;  // a row of the router's table (server/router.cpp)

struct Routed {
  const RouteSpec* spec = nullptr;  // null: no route at this path and method (404, 405)
  Route route = Route::other;
  Lane lane = Lane::io;
  std::string session_id;  // the session cookie's id, read once (empty: none, or not needed)
};

}  // namespace sessdemo
