#include "loadgen/report.hpp"

namespace sessdemo::loadgen {

std::string addresses_of(const RunReport& r, const InstanceStats& s) {
  std::string out;
  for (auto a : s.addresses) {
    if (!out.empty()) out += ' ';
    out += a < r.addresses.size() ? r.addresses[a] : "?";
  }
  return out.empty() ? "-" : out;
}

}  // namespace sessdemo::loadgen
