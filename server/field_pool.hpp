#pragma once
// The allocator of the server's header fields. Beast's basic_fields allocates every field, of the
// request and of the answer, on its own: about a dozen small blocks per page view, freed a moment
// later, more than glibc's per-thread cache keeps (seven a size), so most went through malloc's
// slow path. This one keeps freed blocks in a per-thread list of four sizes (64 to 512 bytes, at
// most 256 of each), so a page view's fields reuse the last one's; anything larger, or past the
// cap, is the global operator new's. A block freed on another thread joins that thread's list.
#include <cstddef>
#include <new>

namespace sessdemo::http {

namespace field_pool {
inline constexpr std::size_t classes = 4;
inline constexpr std::size_t smallest = 64;  // class k holds blocks of smallest << k bytes
inline constexpr std::size_t cap = 256;      // blocks kept per class and thread

struct FreeBlock {
  FreeBlock* next;
};
struct Lists {
  FreeBlock* head[classes] = {};
  std::size_t held[classes] = {};
  ~Lists() {
    for (std::size_t k = 0; k < classes; ++k)
      while (head[k]) {
        FreeBlock* b = head[k];
        head[k] = b->next;
        ::operator delete(b);
      }
  }
};
inline thread_local Lists lists;

// The class of a block of n bytes, or classes when it is too large for any.
inline std::size_t class_of(std::size_t n) {
  std::size_t k = 0;
  while (k < classes && (smallest << k) < n) ++k;
  return k;
}

inline void* take(std::size_t n) {
  std::size_t k = class_of(n);
  if (k == classes) return ::operator new(n);
  if (FreeBlock* b = lists.head[k]) {
    lists.head[k] = b->next;
    --lists.held[k];
    return b;
  }
  return ::operator new(smallest << k);
}

inline void give(void* p, std::size_t n) {
  std::size_t k = class_of(n);
  if (k == classes || lists.held[k] >= cap) {
    ::operator delete(p);
    return;
  }
  auto* b = static_cast<FreeBlock*>(p);
  b->next = lists.head[k];
  lists.head[k] = b;
  ++lists.held[k];
}
}  // namespace field_pool

template <class T>
struct FieldAllocator {
  using value_type = T;
  FieldAllocator() noexcept = default;
  template <class U>
  FieldAllocator(const FieldAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "the pool's blocks are max-aligned");
    return static_cast<T*>(field_pool::take(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { field_pool::give(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const FieldAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace sessdemo::http
