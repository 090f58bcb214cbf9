#pragma once
// The exit statuses of every command, one table (load, check and merge share them; serve and demo
// use the ones that apply). The README and docs/load.md say them to users.
namespace sessdemo::exit_code {
inline constexpr int pass = 0;           // every check passed (serve, demo: a clean stop)
inline constexpr int fail = 1;           // a check failed or is unknown
inline constexpr int usage = 2;          // a bad flag, or a file that cannot be read or written
inline constexpr int unreachable = 3;    // load: no instance answers
inline constexpr int interrupted = 130;  // stopped by SIGINT or SIGTERM, as a shell reports SIGINT
}  // namespace sessdemo::exit_code
