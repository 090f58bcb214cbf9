// `sessdemo check` reads history files anyone may have written: lines of JSON or EDN, judged by
// the one checker. The input is lines; a first byte 'e' reads the rest as EDN. Beyond "no crash,
// no sanitizer report": a line refused says why in one non-empty line; a history refused by the
// checker says "not a well-formed history"; the figures of one judged add up (reads by verdict
// no more than the operations, ok + fail + info = operations).
#include <stdexcept>
#include <string>

#include "loadgen/history/history_read.hpp"
#include "loadgen/report/history_check.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;
using namespace sessdemo::loadgen;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  const bool edn = !text.empty() && text.front() == 'e';
  if (edn) text.remove_prefix(1);
  HistoryChecker checker;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    auto parsed = parse_history_line(line, edn);
    if (auto* err = std::get_if<std::string>(&parsed)) {
      FUZZ_CHECK(!err->empty() && err->find('\n') == std::string::npos);
      continue;
    }
    try {
      checker.add(std::get<HistoryOp>(parsed));
    } catch (const std::runtime_error& e) {
      FUZZ_CHECK(std::string(e.what()).rfind("not a well-formed history", 0) == 0);
      return 0;
    }
  }
  auto v = checker.finish();
  FUZZ_CHECK(v.ok + v.failed + v.unknown == v.operations);
  FUZZ_CHECK(v.report.total.counters.reads() <= v.operations);
  FUZZ_CHECK(v.anomalies.size() <= v.anomalies_total);
  return 0;
}
