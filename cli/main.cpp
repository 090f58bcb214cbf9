// sessdemo: one binary, three subcommands. Only the wiring lives here.
#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <cstdio>

#include "cli/demo_cmd.hpp"
#include "cli/load_cmd.hpp"
#include "cli/serve_cmd.hpp"

int main(int argc, char** argv) {
  using namespace sessdemo::cli;
  CLI::App app{"sessdemo: shared sessions for web farms, demonstrated and measured"};
  app.set_config("--config", "", "read options from an INI/TOML file");
  app.require_subcommand(1);
  app.set_version_flag("--version", "sessdemo 0.1.0");

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "run a web instance with sessions in memcached or memory");
  setup_serve(*serve_cmd, serve);

  LoadCliOptions load;
  auto* load_cmd = app.add_subcommand("load", "load and check instances with cookie-carrying virtual clients");
  setup_load(*load_cmd, load);

  DemoCliOptions demo;
  auto* demo_cmd = app.add_subcommand("demo", "start memcached and instances, run every scenario, report side by side");
  setup_demo(*demo_cmd, demo);

  // --config (and --version) also work after the subcommand: `sessdemo serve --config f.ini`.
  for (auto* sub : {serve_cmd, load_cmd, demo_cmd}) sub->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line saying what is wrong; exit 2 like other command-line tools.
    std::fprintf(stderr, "sessdemo: %s (see --help)\n", e.what());
    return 2;
  }
  if (serve_cmd->parsed()) return run_serve(serve);
  if (load_cmd->parsed()) return run_load_command(load, *load_cmd);
  if (demo_cmd->parsed()) return run_demo_command(demo);
  return 2;
}
