#pragma once
// A SessionStore decorator that times every call and counts it in Metrics by kind and outcome,
// and tells StoreHealth (when given) which calls got an answer.
#include "server/metrics.hpp"
#include "server/store_health.hpp"
#include "sessions/store.hpp"

namespace sessdemo {

class InstrumentedStore final : public SessionStore {
 public:
  InstrumentedStore(SessionStore& inner, Metrics& metrics, StoreHealth* health = nullptr)
      : inner_(inner), metrics_(metrics), health_(health) {}

  LoadResult load(std::string_view id) override;
  std::vector<LoadResult> load_many(const std::vector<std::string>& ids) override;
  StoreStatus save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                   std::uint64_t cas) override;
  StoreStatus create(std::string_view id, const Session& s, std::chrono::seconds ttl) override;
  StoreStatus remove(std::string_view id) override;
  StoreStatus try_lock(std::string_view id, std::string_view owner,
                       std::chrono::seconds ttl) override;
  StoreStatus unlock(std::string_view id, std::string_view owner) override;
  StoreStatus ping() override;
  const char* kind() const override { return inner_.kind(); }

 private:
  template <typename F>
  StoreStatus timed(StoreOp op, F&& call);

  void tell_health(StoreOp op, StoreStatus st, const std::string& error = {});

  SessionStore& inner_;
  Metrics& metrics_;
  StoreHealth* health_;
};

}  // namespace sessdemo
