#pragma once
// A callable of one signature that may be moved but not copied, as std::move_only_function
// (C++23; the project builds as C++20). It holds what std::function cannot: an Asio completion
// handler, which is move-only. Small callables (up to three pointers) live inside it, so making
// one allocates nothing; larger ones go to the heap.
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace sessdemo {

template <class Signature>
class MoveFunction;

template <class R, class... Args>
class MoveFunction<R(Args...)> {
 public:
  MoveFunction() noexcept = default;
  MoveFunction(std::nullptr_t) noexcept {}
  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, MoveFunction> &&
                                     std::is_invocable_r_v<R, D&, Args...>>>
  MoveFunction(F&& f) {
    if constexpr (kept_inside<D>) {
      ::new (static_cast<void*>(store_.bytes)) D(std::forward<F>(f));
    } else {
      store_.heap = new D(std::forward<F>(f));
    }
    ops_ = &ops_for<D>;
  }
  MoveFunction(MoveFunction&& other) noexcept { take(other); }
  MoveFunction& operator=(MoveFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  MoveFunction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  MoveFunction(const MoveFunction&) = delete;
  MoveFunction& operator=(const MoveFunction&) = delete;
  ~MoveFunction() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  R operator()(Args... args) { return ops_->call(store_, std::forward<Args>(args)...); }

 private:
  union Store {
    void* heap;
    alignas(std::max_align_t) unsigned char bytes[3 * sizeof(void*)];
  };
  template <class D>
  static constexpr bool kept_inside =
      sizeof(D) <= sizeof(Store) &&
      alignof(D) <= alignof(Store) && std::is_nothrow_move_constructible_v<D>;
  struct Ops {
    R (*call)(Store&, Args&&...);
    void (*move)(Store& from, Store& to) noexcept;  // to is raw; from is left empty of it
    void (*destroy)(Store&) noexcept;
  };
  template <class D>
  static D& target(Store& s) noexcept {
    if constexpr (kept_inside<D>)
      return *std::launder(reinterpret_cast<D*>(s.bytes));
    else
      return *static_cast<D*>(s.heap);
  }
  template <class D>
  static constexpr Ops ops_for{
      [](Store& s, Args&&... args) -> R { return target<D>(s)(std::forward<Args>(args)...); },
      [](Store& from, Store& to) noexcept {
        if constexpr (kept_inside<D>) {
          ::new (static_cast<void*>(to.bytes)) D(std::move(target<D>(from)));
          target<D>(from).~D();
        } else {
          to.heap = from.heap;
        }
      },
      [](Store& s) noexcept {
        if constexpr (kept_inside<D>)
          target<D>(s).~D();
        else
          delete static_cast<D*>(s.heap);
      }};

  void take(MoveFunction& other) noexcept {
    if (!other.ops_) return;
    other.ops_->move(other.store_, store_);
    ops_ = other.ops_;
    other.ops_ = nullptr;
  }
  void reset() noexcept {
    if (ops_) ops_->destroy(store_);
    ops_ = nullptr;
  }

  Store store_;
  const Ops* ops_ = nullptr;
};

}  // namespace sessdemo
