#include "cli/config_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <CLI/App.hpp>

using namespace sessdemo::cli;

namespace {
std::string error_of(std::string_view text) {
  auto r = parse_config(text);
  auto* e = std::get_if<std::string>(&r);
  return e ? *e : "";
}

struct Cli {
  Cli() {
    auto* serve = app.add_subcommand("serve");
    serve->add_option("--port", port);
    serve->add_option("--store", store)->envname("SESSDEMO_TEST_STORE");
    serve->add_flag("--secure-cookies", secure);
    auto* load = app.add_subcommand("load");
    load->add_option("--clients", clients);
  }
  std::string apply(const std::string& file_text, std::vector<std::string>& args) {
    path = std::filesystem::temp_directory_path() /
           ("sessdemo-conf-" + std::to_string(getpid()) + ".ini");
    std::ofstream(path) << file_text;
    args.insert(args.begin(), {"--config", path.string()});
    auto err = apply_config_file(args, app);
    std::filesystem::remove(path);
    return err;
  }
  CLI::App app;
  int port = 0, clients = 0;
  std::string store;
  bool secure = false;
  std::filesystem::path path;
};
}  // namespace

TEST(ConfigFile, ParsesSectionsKeysCommentsAndQuotes) {
  auto r = parse_config(
      "# comment\n[serve]\nport = 8081\n; another\nid = \"a b\"\n\n[load]\nclients=5\n");
  auto& e = std::get<std::vector<ConfigEntry>>(r);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].section, "serve");
  EXPECT_EQ(e[0].key, "port");
  EXPECT_EQ(e[0].value, "8081");
  EXPECT_EQ(e[0].line, 3);
  EXPECT_EQ(e[1].value, "a b");
  EXPECT_EQ(e[2].section, "load");
  EXPECT_EQ(e[2].line, 8);
}

TEST(ConfigFile, RefusesWhatItCannotRead) {
  EXPECT_EQ(error_of("port = 5\n"),
            "line 1: 'port' is outside a section: put it under [serve], [load] or [demo]");
  EXPECT_EQ(error_of("[serve]\nport\n"), "line 2: expected 'key = value' or '[section]'");
  EXPECT_EQ(error_of("[serve\n"), "line 1: a section header must end with ']'");
  EXPECT_EQ(error_of("[serve]\nport=1\nport=2\n"), "line 3: 'port' is given twice in [serve]");
  // A repeatable option's key may come back, each line one value.
  auto repeat =
      parse_config("[load]\nheader=A: 1\nheader=B: 2\n",
                   [](const std::string&, const std::string& key) { return key == "header"; });
  ASSERT_TRUE(std::holds_alternative<std::vector<ConfigEntry>>(repeat));
  EXPECT_EQ(std::get<std::vector<ConfigEntry>>(repeat).size(), 2u);
  EXPECT_EQ(error_of("[serve]\nP O=1\n"),
            "line 2: 'P O' is not a key (lower-case option names, like store-timeout)");
}

TEST(ConfigFile, UnknownKeysAndSectionsNameTheLine) {
  Cli c;
  std::vector<std::string> args{"serve"};
  EXPECT_NE(c.apply("[serve]\nprot = 5\n", args).find("line 2: unknown key 'prot' in [serve]"),
            std::string::npos);
  args = {"serve"};
  EXPECT_NE(c.apply("[srve]\nport = 5\n", args).find("line 2: unknown section [srve]"),
            std::string::npos);
  args = {"serve"};
  EXPECT_NE(c.apply("[load]\nport = 5\n", args).find("unknown key 'port' in [load]"),
            std::string::npos)
      << "keys of a command that does not run are checked too";
}

TEST(ConfigFile, FlagBeatsEnvironmentBeatsFile) {
  Cli c;
  std::vector<std::string> args{"serve", "--port", "9"};
  ASSERT_EQ(c.apply("[serve]\nport = 5\nstore = memory\nsecure-cookies = true\n", args), "");
  // The file's values go right after the command, so the command line's own come later and win.
  EXPECT_EQ(args, (std::vector<std::string>{"serve", "--port=5", "--store=memory",
                                            "--secure-cookies", "--port", "9"}));
  setenv("SESSDEMO_TEST_STORE", "memcached", 1);
  args = {"serve"};
  ASSERT_EQ(c.apply("[serve]\nstore = memory\n", args), "");
  unsetenv("SESSDEMO_TEST_STORE");
  EXPECT_EQ(args, (std::vector<std::string>{"serve"})) << "the environment beats the file";
}

TEST(ConfigFile, ConfigNeedsAFile) {
  Cli c;
  std::vector<std::string> args{"serve", "--config"};
  EXPECT_EQ(apply_config_file(args, c.app), "--config needs a FILE");
  args = {"serve", "--config", "/nonexistent/x.ini"};
  EXPECT_EQ(apply_config_file(args, c.app), "cannot read the config file /nonexistent/x.ini");
}
