#pragma once
// The files of one scenario: the tester's JSON read back into the row's figures, and written
// again with the row's verdict, checks and events.
#include <filesystem>
#include <string>

#include "demo/demo_scenarios.hpp"

namespace sessdemo::demo {

// The scenario's figures, from the tester's JSON read the way `merge` reads it (one shard).
void read_figures(const std::filesystem::path& json_path, DemoFigures& f);
// The scenario's JSON gets the row's verdict (the tester's own, over limits the demo set wide,
// is kept as tester_verdict and tester_checks), its checks with their windows, and the fault's
// events on the tester's clock: the file never says pass for a row the table marks FAIL.
void annotate_json(const std::filesystem::path& path, const DemoScenario& s, const DemoFigures& f,
                   const Judgement& j);
// A note when the machine was saturated during the row (the 1-minute load average above its
// cores): the figures are then noisier, and a budget may be spent by the host, not the store.
std::string saturation_note();

}  // namespace sessdemo::demo
