#pragma once
// serve's settings from its command line: what it refuses (exit 2), and the configurations of
// the store, the sessions, the server and the router made from the options.
#include <optional>
#include <string>
#include <variant>

#include "cli/serve_cmd.hpp"
#include "server/router.hpp"
#include "server/server.hpp"
#include "sessions/store_factory.hpp"

namespace sessdemo::cli {

using Refusal = std::optional<std::string>;  // why the command line cannot run, for exit 2

Refusal refusal_of(const ServeOptions& o);
StoreSpec store_spec(const ServeOptions& o);
SessionPolicy session_policy(const ServeOptions& o);
ServerConfig server_config(const ServeOptions& o, const SessionPolicy& policy);
// The router's settings, the --csrf-secret file read; or why it cannot be read.
std::variant<RouterConfig, std::string> router_config(const ServeOptions& o);

}  // namespace sessdemo::cli
