#pragma once
// `load --history FILE`: every operation of every client, as Jepsen records operations: an
// `invoke` when it starts and one completion (`ok`, `fail` or `info`) when it ends, in time order.
// Time 0 is the measured start; the warm-up's operations come before it, marked `warmup`.
//
// The workers push events into a buffer of their own (a mutex nobody else takes but the writer,
// every 50 ms); a writer thread takes the buffers, and writes every event older than the
// moment it took the last one, in time order, so the file is ordered across threads and memory
// holds only the last 50 ms. FILE.edn is Jepsen's EDN (one map per line), anything else JSON
// lines. See the README, "Histories".
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "loadgen/history/history_event.hpp"

namespace sessdemo::loadgen {

class HistoryBuffer {
 public:
  // Stamps the event with the time now (taken under the buffer's lock, so that every event a
  // buffer gets after the writer's visit is newer than that visit) and keeps it.
  void push(HistoryEvent e);

 private:
  friend class HistoryLog;
  std::mutex mutex_;
  std::vector<HistoryEvent> events_;
  std::chrono::steady_clock::time_point start_;
};

class HistoryLog {
 public:
  // Opens path for writing ("-": stdout); check ok() before use.
  explicit HistoryLog(const std::string& path);
  ~HistoryLog();
  bool ok() const { return file_ != nullptr; }

  // Time 0 is the measured start; starts the writer. Before any new_buffer().
  void begin(std::chrono::steady_clock::time_point start);
  // One per worker thread (and one for the nemesis); valid until close().
  HistoryBuffer& new_buffer();

  // Writes what is left, completes every operation still open with `info` (its outcome is
  // unknown), marks a run stopped by a signal as interrupted (`sessdemo check` then says so,
  // never pass), and closes the file. Returns false when writing failed.
  bool close(bool interrupted = false);

 private:
  void run();
  void drain(bool final);
  void write(const HistoryEvent& e);
  void field(std::string_view name,
             bool first = false);      // ,"name": or , :name (first: opens the map)
  void symbol(std::string_view name);  // "name" or :name

  std::FILE* file_ = nullptr;
  bool edn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::mutex buffers_mutex_;
  std::vector<std::unique_ptr<HistoryBuffer>> buffers_;
  std::vector<HistoryEvent> pending_, taken_;
  std::unordered_map<std::uint64_t, HistoryEvent> open_;  // process -> its invoke
  std::uint64_t index_ = 0;
  std::int64_t last_time_ = INT64_MIN;  // warm-up operations are before time 0
  std::string line_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool write_failed_ = false;
  std::thread writer_;
};

}  // namespace sessdemo::loadgen
