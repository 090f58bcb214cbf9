#include "loadgen/scenario/html_document.hpp"

#include <gumbo.h>

#include <csetjmp>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <new>

namespace sessdemo::loadgen {

namespace {
// The CPU time this thread has used: what a parse costs, whatever else the machine does (a
// worker descheduled in the middle of a page is not charged for the wait).
std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
}  // namespace

// Every block gumbo asks for, linked so that an abandoned parse frees them all. A header of
// 32 bytes keeps the block as aligned as malloc's own.
struct HtmlDocument::Heap {
  struct alignas(16) Block {
    Block* prev;
    Block* next;
    std::size_t size;
  };
  static_assert(sizeof(Block) == 32);

  Block* blocks = nullptr;
  std::size_t live = 0;
  std::size_t limit = 0;
  std::int64_t cpu_deadline_ns = 0;  // on this thread's CPU clock
  const std::atomic<bool>* cancel = nullptr;
  unsigned calls = 0;
  enum class Passed { none, heap, time, cancelled } passed = Passed::none;
  std::jmp_buf escape;

  ~Heap() {
    while (blocks) {
      Block* b = blocks;
      blocks = b->next;
      std::free(b);
    }
  }

  // Leaves the parse for good: back to the setjmp in run(), past gumbo's C frames only.
  [[noreturn]] void abandon(Passed why) {
    passed = why;
    std::longjmp(escape, 1);
  }

  static void* allocate(void* self, std::size_t size) {
    auto& h = *static_cast<Heap*>(self);
    std::size_t cost = size + sizeof(Block);  // the header counts too: a page of tiny blocks
    if (cost > h.limit || h.live > h.limit - cost) h.abandon(Passed::heap);
    if ((++h.calls & 63) == 0) {
      if (h.cancel && h.cancel->load(std::memory_order_relaxed)) h.abandon(Passed::cancelled);
      if (thread_cpu_ns() > h.cpu_deadline_ns) h.abandon(Passed::time);
    }
    auto* b = static_cast<Block*>(std::malloc(sizeof(Block) + size));
    if (!b) h.abandon(Passed::heap);
    b->prev = nullptr;
    b->next = h.blocks;
    b->size = cost;
    if (h.blocks) h.blocks->prev = b;
    h.blocks = b;
    h.live += size;
    return b + 1;
  }

  static void deallocate(void* self, void* p) {
    if (!p) return;
    auto& h = *static_cast<Heap*>(self);
    Block* b = static_cast<Block*>(p) - 1;
    if (b->prev)
      b->prev->next = b->next;
    else
      h.blocks = b->next;
    if (b->next) b->next->prev = b->prev;
    h.live -= b->size;
    std::free(b);
  }

  // gumbo's parse, or null when it passed a bound. No C++ object lives in this frame across
  // the setjmp, so the jump skips nothing that needs destroying.
  GumboOutput* run(const GumboOptions* options, const char* data, std::size_t size) {
    if (setjmp(escape) != 0) return nullptr;
    return gumbo_parse_with_options(options, data, size);
  }
};

HtmlDocument::HtmlDocument() = default;
HtmlDocument::HtmlDocument(HtmlDocument&&) noexcept = default;
HtmlDocument& HtmlDocument::operator=(HtmlDocument&&) noexcept = default;
HtmlDocument::~HtmlDocument() = default;

HtmlDocument HtmlDocument::parse(std::string_view html, const HtmlBounds& bounds) {
  HtmlDocument doc;
  if (html.size() > bounds.max_bytes) {
    doc.why_ = "the page is " + std::to_string(html.size()) + " bytes, more than the " +
               std::to_string(bounds.max_bytes) + " the tester parses";
    return doc;
  }
  doc.heap_ = std::make_unique<Heap>();
  Heap& heap = *doc.heap_;
  heap.limit = bounds.max_heap;
  heap.cpu_deadline_ns = thread_cpu_ns() + std::chrono::nanoseconds(bounds.max_time).count();
  heap.cancel = bounds.cancel;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &Heap::allocate;
  options.deallocator = &Heap::deallocate;
  options.userdata = &heap;
  options.max_errors = 0;
  GumboOutput* out = heap.run(&options, html.data(), html.size());
  if (out) {
    doc.root_ = out->document;
    return doc;
  }
  auto passed = heap.passed;
  doc.heap_.reset();  // whatever the abandoned parse held
  doc.cancelled_ = passed == Heap::Passed::cancelled;
  doc.too_slow_ = passed == Heap::Passed::time;
  if (doc.cancelled_)
    doc.why_ = "the run ended while the page was parsed";
  else if (passed == Heap::Passed::time)
    doc.why_ = "parsing the page (" + std::to_string(html.size()) + " bytes) took more than " +
               std::to_string(bounds.max_time.count()) + " ms";
  else
    doc.why_ = "parsing the page (" + std::to_string(html.size()) + " bytes) needed more than " +
               std::to_string(bounds.max_heap >> 20) + " MiB";
  return doc;
}

}  // namespace sessdemo::loadgen
