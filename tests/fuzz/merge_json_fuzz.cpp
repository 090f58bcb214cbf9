// `sessdemo merge` reads JSON files that anyone may have edited: the shard documents of one run.
// The input is one document, or two separated by a NUL byte (two shards). Beyond "no crash, no
// sanitizer report": a refusal is one non-empty line; a merged run has no negative lost count,
// its errors add up by kind and are
// no more than its requests, its JSON parses back (no NaN, no Infinity, valid UTF-8), and its
// verdict is one of the four.
#include <string>

#include <boost/json.hpp>

#include "loadgen/report/checks.hpp"
#include "loadgen/report/merge.hpp"
#include "loadgen/report/outputs.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace sessdemo;
using namespace sessdemo::loadgen;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  std::vector<std::pair<std::string, std::string>> docs;
  auto nul = text.find('\0');
  docs.push_back({"a.json", std::string(text.substr(0, nul))});
  if (nul != std::string_view::npos) docs.push_back({"b.json", std::string(text.substr(nul + 1))});
  auto merged = merge_documents(docs);
  if (auto* err = std::get_if<std::string>(&merged)) {
    FUZZ_CHECK(!err->empty());
    FUZZ_CHECK(err->find('\n') == std::string::npos);
    return 0;
  }
  auto& m = std::get<MergedRun>(merged);
  m.report.opts = &m.opts;
  const Counters& t = m.report.total.counters;
  std::uint64_t by_kind = 0;
  for (auto n : t.error_kinds) by_kind += n;
  FUZZ_CHECK(by_kind == t.errors);
  FUZZ_CHECK(t.errors <= t.requests && t.reads() <= t.requests);
  FUZZ_CHECK(m.report.counter.lost_updates >= 0);
  auto checks = evaluate(m.report);
  std::string out = to_json(m.report, checks);
  boost::json::error_code ec;
  boost::json::parse(out, ec);
  FUZZ_CHECK(!ec);
  std::string v = verdict(m.report, checks);
  FUZZ_CHECK(v == "pass" || v == "fail" || v == "unknown" || v == "interrupted");
  return 0;
}
