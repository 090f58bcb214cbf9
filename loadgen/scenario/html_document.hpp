#pragma once
// A page parsed by gumbo within bounds: every page a server sends is hostile input. gumbo
// (Debian's 0.10.1) has no depth or node limit and costs time quadratic in a page's nesting
// (each start tag looks down the stack of open elements), so the parse runs on a heap of its
// own: every allocation counts against a byte budget, every 64th looks at the thread's CPU
// clock, and a parse past either bound is abandoned at once (the heap is freed whole; gumbo
// keeps no state of its own). Parse errors are not recorded (max_errors 0): gumbo copies the stack
// of open elements into each one, which made 8,000 unclosed <div> cost 0.5 GB.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct GumboInternalNode;

namespace sessdemo::loadgen {

struct HtmlBounds {
  std::size_t max_bytes = 8u << 20;  // the page itself
  std::size_t max_heap = 64u << 20;  // what gumbo may hold at once while parsing
  // The CPU time a parse may take, on the parsing thread's own clock (a worker descheduled in
  // the middle of a page is not charged for the wait). A worker parses on its event loop, so
  // this is about how long one page may hold up every other connection of the worker.
  std::chrono::milliseconds max_time{100};
  const std::atomic<bool>* cancel = nullptr;  // when set (the run ends), the parse stops at once
};

class HtmlDocument {
 public:
  // The parsed page, or a document that failed() with the bound it passed in why().
  static HtmlDocument parse(std::string_view html, const HtmlBounds& bounds = {});

  HtmlDocument(HtmlDocument&&) noexcept;
  HtmlDocument& operator=(HtmlDocument&&) noexcept;
  ~HtmlDocument();

  bool failed() const { return root_ == nullptr; }
  bool cancelled() const { return cancelled_; }  // failed because HtmlBounds::cancel was set
  bool too_slow() const { return too_slow_; }    // failed because it passed max_time
  // Says which bound the page passed: "the page is 9.0 MB, more than the 8 MiB ..." (empty when
  // it parsed).
  const std::string& why() const { return why_; }
  // The document node (GUMBO_NODE_DOCUMENT), valid while this object lives; null when failed.
  const GumboInternalNode* root() const { return root_; }

 private:
  struct Heap;
  HtmlDocument();
  std::unique_ptr<Heap> heap_;
  const GumboInternalNode* root_ = nullptr;
  std::string why_;
  bool cancelled_ = false;
  bool too_slow_ = false;
};

}  // namespace sessdemo::loadgen
