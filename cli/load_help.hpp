#pragma once
// How `sessdemo help load` reads: its options in sections (one table of them), three examples
// and where one's own app is explained, after the options.
#include <string>
#include <vector>

#include <CLI/App.hpp>

namespace sessdemo::cli {

// Puts each option of the set-up load command in its section and the examples in its footer.
void arrange_load_help(CLI::App& app);
// The options of a set-up load command that are in no section (none, when the table is complete).
std::vector<std::string> ungrouped_load_options(CLI::App& app);

}  // namespace sessdemo::cli
