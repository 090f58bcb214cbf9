#include "cli/help_format.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include <CLI/App.hpp>

#include "cli/load_cmd.hpp"
#include "cli/load_help.hpp"

using namespace sessdemo::cli;

TEST(HelpFormat, FillKeepsWordsWholeAndIndentsWhatFollows) {
  EXPECT_EQ(fill("one two three four", 9, 2), "one two\n  three\n  four");
  EXPECT_EQ(fill("a-very-long-word b", 5), "a-very-long-word\nb");
  EXPECT_EQ(fill("  spaced   out  ", 80), "spaced out");
}

// `sessdemo help load`: every option in a section, lines within the terminal's width, three
// examples and the page for one's own app at the end.
TEST(HelpFormat, LoadHelpIsGroupedFilledAndEndsWithExamples) {
  ::setenv("COLUMNS", "90", 1);
  CLI::App app{"load", "load"};
  app.formatter(std::make_shared<HelpFormatter>());
  LoadCliOptions o;
  setup_load(app, o);
  EXPECT_EQ(ungrouped_load_options(app), std::vector<std::string>{});
  std::string help = app.help();
  ::unsetenv("COLUMNS");
  for (const char* section :
       {"Instances and balancing:", "Load shape:", "The app: pages, forms, tokens, logins:",
        "TLS and HTTP:", "Outputs:", "Checks and limits:"})
    EXPECT_NE(help.find(section), std::string::npos) << section << "\n" << help;
  std::size_t longest = 0;
  for (std::size_t at = 0, end; at < help.size(); at = end + 1) {
    end = help.find('\n', at);
    if (end == std::string::npos) end = help.size();
    longest = std::max(longest, end - at);
  }
  EXPECT_LE(longest, 110u) << help;  // 90, and an example that cannot be broken
  auto examples = help.find("Examples:");
  ASSERT_NE(examples, std::string::npos);
  EXPECT_NE(help.find("sessdemo load -i", examples), std::string::npos);
  EXPECT_NE(help.find("docs/your-app.md", examples), std::string::npos);
}
