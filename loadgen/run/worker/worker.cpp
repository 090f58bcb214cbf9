#include <spdlog/spdlog.h>

#include <future>

#include "loadgen/run/worker/impl.hpp"

namespace sessdemo::loadgen {

Worker::Worker(WorkerPlan plan) : impl_(std::make_unique<Impl>(std::move(plan))) {}

Worker::~Worker() {
  if (impl_->thread.joinable()) join();
}

void Worker::start() {
  spdlog::default_logger_raw();  // the registry exists before any worker thread logs
  impl_->thread = std::thread([this] { impl_->run(); });
}

void Worker::stop() {
  net::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

bool Worker::finished() const {
  return impl_->finished.load();
}

StatsTable Worker::take_interval() {
  std::promise<StatsTable> p;
  auto f = p.get_future();
  net::post(impl_->ioc, [this, &p] { p.set_value(impl_->recorder.take_interval()); });
  return f.get();
}

void Worker::join() {
  net::post(impl_->ioc, [this] {
    if (!impl_->finished) impl_->begin_stop();
  });
  // Let the drain finish, then release the io_context.
  while (!impl_->finished) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  net::post(impl_->ioc, [this] { impl_->guard.reset(); });
  if (impl_->thread.joinable()) impl_->thread.join();
}

const StatsTable& Worker::totals() const {
  return impl_->recorder.totals();
}
StatsTable Worker::take_totals() {
  return impl_->recorder.take_totals();
}
std::uint64_t Worker::dropped() const {
  return impl_->scheduler.dropped();
}
std::uint64_t Worker::ticks_sent() const {
  return impl_->scheduler.ticks_sent();
}
std::uint32_t Worker::active_clients() const {
  return impl_->scheduler.active_now();
}
StatsTable Worker::take_remaining() {
  return impl_->recorder.take_interval();
}
const std::vector<Client>& Worker::clients() const {
  return impl_->clients;
}
const CheckerFigures& Worker::checked() {
  return impl_->checker.finish();
}

}  // namespace sessdemo::loadgen
