#include "loadgen/history/history.hpp"

#include <algorithm>

#include "common/json_text.hpp"
#include "loadgen/history/history_fields.hpp"

namespace sessdemo::loadgen {

using Clock = std::chrono::steady_clock;

void HistoryBuffer::push(HistoryEvent e) {
  std::lock_guard lock(mutex_);
  e.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  events_.push_back(e);
}

HistoryLog::HistoryLog(const std::string& path) {
  edn_ = path.size() >= 4 && path.compare(path.size() - 4, 4, ".edn") == 0;
  file_ = path == "-" ? stdout : std::fopen(path.c_str(), "w");
  if (!file_) return;
  static constexpr std::size_t buffer_bytes = 1 << 20;
  std::setvbuf(file_, nullptr, _IOFBF, buffer_bytes);
}

void HistoryLog::begin(Clock::time_point start) {
  start_ = start;
  if (file_) writer_ = std::thread([this] { run(); });
}

HistoryLog::~HistoryLog() {
  close();
}

HistoryBuffer& HistoryLog::new_buffer() {
  std::lock_guard lock(buffers_mutex_);
  buffers_.push_back(std::make_unique<HistoryBuffer>());
  buffers_.back()->start_ = start_;
  return *buffers_.back();
}

void HistoryLog::run() {
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(50));
    lock.unlock();
    drain(false);
    lock.lock();
  }
}

// Takes every buffer's events. A buffer's later events are newer than the moment it was taken
// (push stamps under its lock), so every event up to the earliest of those moments is known
// now: those are written, in time order; the rest wait for the next round.
void HistoryLog::drain(bool final) {
  std::int64_t horizon = INT64_MAX;
  {
    std::lock_guard lock(buffers_mutex_);
    for (auto& b : buffers_) {
      std::lock_guard bl(b->mutex_);
      auto taken_at =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
      horizon = std::min(horizon, taken_at);
      taken_.insert(taken_.end(), b->events_.begin(), b->events_.end());
      b->events_.clear();
    }
  }
  if (final) horizon = INT64_MAX;
  pending_.insert(pending_.end(), taken_.begin(), taken_.end());
  taken_.clear();
  std::stable_sort(
      pending_.begin(), pending_.end(),
      [](const HistoryEvent& a, const HistoryEvent& b) { return a.time_ns < b.time_ns; });
  auto end = std::upper_bound(pending_.begin(), pending_.end(), horizon,
                              [](std::int64_t t, const HistoryEvent& e) { return t < e.time_ns; });
  for (auto it = pending_.begin(); it != end; ++it) write(*it);
  pending_.erase(pending_.begin(), end);
  if (std::fflush(file_) != 0) write_failed_ = true;
}

void HistoryLog::write(const HistoryEvent& in) {
  HistoryEvent e = in;
  // A completion of nothing open is not written (every operation is invoked first).
  if (e.type != OpType::invoke && e.f != OpF::nemesis) {
    auto open = open_.find(e.process);
    if (open == open_.end()) return;
    open_.erase(open);
  } else if (e.f != OpF::nemesis) {
    open_[e.process] = e;
  }
  e.time_ns = std::max(e.time_ns, last_time_);
  last_time_ = e.time_ns;
  line_.clear();
  const std::string key = "c" + std::to_string(e.client);
  auto text = [&](std::string_view s) {
    line_ += '"';
    append_json_string(line_, s);
    line_ += '"';
  };
  auto value = [&](const char* null) {
    if (e.value_kind == HistoryEvent::Value::text)
      text(e.text.view());
    else if (e.value_kind == HistoryEvent::Value::number)
      line_ += std::to_string(e.number);
    else
      line_ += null;
  };
  namespace hf = history_field;
  const bool nemesis = e.f == OpF::nemesis;
  field(hf::index, true);
  line_ += std::to_string(index_++);
  field(hf::time);
  line_ += std::to_string(e.time_ns);
  field(hf::process);
  if (nemesis)
    symbol(hf::nemesis);
  else
    line_ += std::to_string(e.process);
  field(hf::type);
  symbol(to_string(e.type));
  field(hf::f);
  symbol(nemesis ? (e.number ? "start" : "stop") : to_string(e.f));
  if (nemesis) {
    field(hf::value);
    text(e.text.view());
  } else if (edn_) {  // :value ["c1" "Ann"]
    field(hf::value);
    line_ += '[';
    text(key);
    line_ += ' ';
    value("nil");
    line_ += ']';
  } else {
    field(hf::key);
    text(key);
    field(hf::value);
    value("null");
  }
  if (e.warmup) {
    field(hf::warmup);
    line_ += "true";
  }
  if (e.type != OpType::invoke && !nemesis) {
    field(hf::instance);
    text(e.instance.view());
    field(hf::status);
    line_ += std::to_string(e.status);
  }
  line_ += "}\n";
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) write_failed_ = true;
}

void HistoryLog::field(std::string_view name, bool first) {
  if (edn_) {
    line_ += first ? "{:" : ", :";
    line_ += name;
    line_ += ' ';
  } else {
    line_ += first ? "{\"" : ",\"";
    line_ += name;
    line_ += "\":";
  }
}

void HistoryLog::symbol(std::string_view name) {
  if (edn_) {
    line_ += ':';
    line_ += name;
  } else {
    line_ += '"';
    line_ += name;
    line_ += '"';
  }
}

bool HistoryLog::close(bool interrupted) {
  if (!file_) return false;
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  drain(true);
  // Operations still open at the end: their outcome is unknown.
  std::vector<HistoryEvent> open;
  for (auto& [p, e] : open_) open.push_back(e);
  std::sort(open.begin(), open.end(),
            [](const HistoryEvent& a, const HistoryEvent& b) { return a.process < b.process; });
  for (auto e : open) {
    e.type = OpType::info;
    e.time_ns = last_time_;
    e.status = 0;
    write(e);
  }
  if (interrupted) {
    namespace hf = history_field;
    line_.clear();
    field(hf::index, true);
    line_ += std::to_string(index_++);
    field(hf::time);
    line_ += std::to_string(std::max<std::int64_t>(last_time_, 0));
    field(hf::process);
    symbol(hf::tester);
    field(hf::type);
    symbol(to_string(OpType::info));
    field(hf::f);
    symbol(hf::interrupted);
    field(hf::value);
    line_ += edn_ ? "nil}\n" : "null}\n";
    if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) write_failed_ = true;
  }
  bool ok = std::fflush(file_) == 0 && !write_failed_;
  if (file_ != stdout) ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  return ok;
}

}  // namespace sessdemo::loadgen
