#pragma once
// Small web apps written the way popular frameworks write them, for the tester's tests against
// apps that are not sessdemo's own. Each runs as instances on free loopback ports; the instances
// of a pair share one session table (a correct farm) or keep one each (the broken set-up, as
// sessions in each instance's memory behind a balancer that is not sticky).
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sessdemo::test {

enum class Flavor {
  basic,        // sessdemo's shape: POST / name=..., 303 to /details
  unquoted,     // unquoted attributes; the form posts to /save with a hidden commit=Save and token
  rails,        // <meta name="csrf-token">; JSON PUT /profile with X-CSRF-Token; HTML /details
  angular,      // cookie XSRF-TOKEN echoed in X-XSRF-TOKEN; JSON PATCH /api/me; JSON GET /api/me
  django,       // HTTPS; POST / refused without a same-origin Referer; csrftoken cookie + field
  login_first,  // everything redirects to /login; login form with a hidden token; form to
                // /account/update, redirect to /account/me
  // Apps for journeys (journey_apps.cpp), each a trap for a tester with a fixed picture:
  flash,        // POST /name, 303 to /: a flash "Display name changed from OLD to NEW" above
                // <span id="name">
  placeholder,  // /details shows <span id="name">Not set</span> without a name
  limited,      // names of at most 12 characters: a longer one re-renders the form with 200
  expiring,     // a form token that expires 2 s after its page: 400 "The CSRF token has expired."
  json_api,     // POST /api/login (JSON) gives a bearer token; PUT and GET /api/me; 401 without
};

struct AppOptions {
  bool early_hints = false;                       // 103 Early Hints before every answer
  std::string instance_header = "X-Instance-Id";  // the header naming the instance
  int idle_close_ms = 0;              // close keep-alive connections idle this long (0: never)
  std::string tls_cert, tls_key;      // both set: HTTPS
  bool logout_keeps_session = false;  // json_api: DELETE /api/me answers 200 and ends nothing
};

struct SessionTable {
  std::mutex mutex;
  std::map<std::string, std::map<std::string, std::string>> sessions;  // id -> field -> value
};

class FrameworkApp {
 public:
  FrameworkApp(Flavor flavor, std::shared_ptr<SessionTable> table, std::string id,
               AppOptions options);
  ~FrameworkApp();
  FrameworkApp(const FrameworkApp&) = delete;
  FrameworkApp& operator=(const FrameworkApp&) = delete;
  std::uint16_t port() const { return port_; }
  std::string address() const;                      // 127.0.0.1:PORT, or https://127.0.0.1:PORT
  std::size_t refused() const { return refused_; }  // requests answered 403 or 422

  struct Request;
  struct Reply;

 private:
  void accept_loop();
  void serve(int fd);
  Reply handle(const Request& r);
  Reply handle_journey_app(const Request& r);  // journey_apps.cpp
  Flavor flavor_;
  std::shared_ptr<SessionTable> table_;
  std::string id_;
  AppOptions options_;
  void* tls_ = nullptr;  // SSL_CTX*
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> refused_{0};
  std::mutex threads_mutex_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// Two instances ("app-1", "app-2") of one flavor: one shared session table, or one each.
struct AppPair {
  std::vector<std::unique_ptr<FrameworkApp>> apps;
  std::string addresses() const;  // for --instances
};
AppPair app_pair(Flavor flavor, bool shared_store, const AppOptions& options = {});

}  // namespace sessdemo::test
