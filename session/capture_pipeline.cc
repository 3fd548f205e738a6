// SPDX-License-Identifier: Apache-2.0
#include "session/capture_pipeline.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/report/reply_line.h"
#include "session/clock.h"
#include "session/stats_accounting.h"

namespace cutpoint::session {
namespace {

// Big enough that the hand-offs (a lock and a wake-up each) vanish per frame, small enough
// that a batch's frames and text stay cache-friendly and memory stays a few MB.
constexpr size_t kBatchFrames = 1024;
constexpr size_t kBatchBytes = 256 * 1024;  // frame bytes after which a batch is cut short
constexpr size_t kBatches = 8;
constexpr size_t kTypicalLineBytes = 320;  // initial text room per frame; grows if needed

struct FrameRef {
  size_t offset;
  size_t len;
  int64_t time_us;
};

struct Batch {
  uint64_t seq = 0;
  std::vector<uint8_t> bytes = std::vector<uint8_t>(kBatchBytes + 2048);  // copied frames
  std::vector<FrameRef> frames;
  report::ScanStats counts;  // the outcomes of `frames`, added up in capture order
  std::string text = std::string(kBatchFrames * kTypicalLineBytes, '\0');
  size_t text_len = 0;
};

class Pipeline {
 public:
  Pipeline(capture::FrameSource& source, const match::Matcher& matcher, OutputSink& sink)
      : source_(source), link_(source.link_type()), matcher_(matcher), sink_(sink) {
    for (auto& batch : storage_) {
      batch = std::make_unique<Batch>();
      batch->frames.reserve(kBatchFrames);
      free_.push_back(batch.get());
    }
  }

  // Reads on the calling thread; a second thread only matches. Returns once every batch
  // is written (or dropped after a write error).
  void Run() {
    std::thread worker([this] { WorkerLoop(); });
    uint64_t seq = 0;
    bool more = true;
    while (more) {
      Batch* batch = TakeFree();
      if (batch == nullptr) break;  // a write failed: stop reading
      more = Fill(batch);
      batch->seq = seq++;
      std::lock_guard<std::mutex> lock(mutex_);
      ready_[ready_count_++] = batch;
      changed_.notify_all();
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      total_ = seq;
      reading_done_ = true;
      changed_.notify_all();
      // Help with what is left, then wait for the last write.
      while (true) {
        if (Batch* batch = PopReady()) {
          lock.unlock();
          ProcessAndComplete(batch);
          lock.lock();
        } else if (next_write_ == total_) {
          break;
        } else {
          changed_.wait(lock);
        }
      }
    }
    worker.join();
  }

  const report::ScanStats& stats() const { return stats_; }
  const absl::Status& read_error() const { return read_error_; }
  const absl::Status& write_error() const { return write_error_; }

 private:
  // Called with mutex_ held. Ready batches are taken oldest first, so the writer rarely
  // waits on a straggler.
  Batch* PopReady() {
    if (ready_count_ == 0) return nullptr;
    Batch* batch = ready_[0];
    std::move(ready_.begin() + 1, ready_.begin() + ready_count_, ready_.begin());
    --ready_count_;
    return batch;
  }

  // A free batch to read into. While none is free the worker is behind: match instead.
  Batch* TakeFree() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (free_.empty()) {
      if (failed_) return nullptr;
      if (Batch* batch = PopReady()) {
        lock.unlock();
        ProcessAndComplete(batch);
        lock.lock();
      } else {
        changed_.wait(lock);
      }
    }
    if (failed_) return nullptr;
    Batch* batch = free_.back();
    free_.pop_back();
    return batch;
  }

  void WorkerLoop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      if (Batch* batch = PopReady()) {
        lock.unlock();
        ProcessAndComplete(batch);
        lock.lock();
      } else if (reading_done_) {
        return;
      } else {
        changed_.wait(lock);
      }
    }
  }

  // Copies frames until the batch is full; false once the capture has ended (or failed).
  bool Fill(Batch* batch) {
    batch->frames.clear();
    size_t used = 0;
    capture::CapturedFrame frame;
    while (batch->frames.size() < kBatchFrames && used < kBatchBytes) {
      absl::StatusOr<capture::NextResult> next = source_.Next(&frame);
      if (!next.ok()) {
        read_error_ = next.status();
        return false;
      }
      if (*next == capture::NextResult::kEnd) return false;
      if (*next != capture::NextResult::kFrame) continue;
      if (used + frame.len > batch->bytes.size()) {
        batch->bytes.resize(std::max(batch->bytes.size() * 2, used + frame.len));  // rare
      }
      if (frame.len > 0) std::memcpy(batch->bytes.data() + used, frame.data, frame.len);
      batch->frames.push_back({used, frame.len, frame.time_us});
      used += frame.len;
    }
    return true;
  }

  void ProcessAndComplete(Batch* batch) {
    Process(batch);
    Complete(batch);
  }

  void Process(Batch* batch) {
    batch->counts = report::ScanStats();
    batch->text_len = 0;
    match::ReplyRecord reply;
    for (const FrameRef& ref : batch->frames) {
      capture::CapturedFrame frame;
      frame.data = batch->bytes.data() + ref.offset;
      frame.len = ref.len;
      frame.time_us = ref.time_us;
      if (!MatchAndCount(matcher_, link_, frame, &reply, &batch->counts)) continue;
      if (batch->text_len + report::kMaxReplyLineBytes > batch->text.size()) {
        batch->text.resize(batch->text.size() * 2);  // only for unusually long lines
      }
      char* at = batch->text.data() + batch->text_len;
      batch->text_len += static_cast<size_t>(report::WriteReplyLine(reply, false, at) - at);
    }
  }

  // Hands the batch to the writer; whichever thread finds the next batch in order writes
  // it, outside the lock, one writer at a time.
  void Complete(Batch* batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_[batch->seq % kBatches] = batch;
    if (writing_) return;  // the active writer picks it up
    writing_ = true;
    while (true) {
      Batch*& slot = done_[next_write_ % kBatches];
      if (slot == nullptr || slot->seq != next_write_) break;
      Batch* next = slot;
      slot = nullptr;
      lock.unlock();
      bool ok = Write(next);
      lock.lock();
      if (!ok) failed_ = true;
      ++next_write_;
      free_.push_back(next);
      changed_.notify_all();
    }
    writing_ = false;
  }

  // Only the writer runs this: batches reach the totals and the sink in capture order.
  bool Write(const Batch* batch) {
    if (!write_error_.ok()) return false;
    AddOutcomeCounts(batch->counts, &stats_);
    if (batch->text_len == 0) return true;
    write_error_ = sink_.AppendLines(absl::string_view(batch->text.data(), batch->text_len));
    return write_error_.ok();
  }

  capture::FrameSource& source_;
  const wire::LinkType link_;
  const match::Matcher& matcher_;
  OutputSink& sink_;
  std::array<std::unique_ptr<Batch>, kBatches> storage_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Batch*> free_;
  std::array<Batch*, kBatches> ready_{};  // read, not yet matched; oldest first
  size_t ready_count_ = 0;
  std::array<Batch*, kBatches> done_{};  // matched, waiting for their turn to be written
  uint64_t next_write_ = 0;
  uint64_t total_ = 0;
  bool reading_done_ = false;
  bool writing_ = false;
  bool failed_ = false;

  absl::Status read_error_;   // reader only
  absl::Status write_error_;  // writer only
  report::ScanStats stats_;   // writer only
};

}  // namespace

absl::StatusOr<report::ScanStats> MatchCaptureToSink(capture::FrameSource& source,
                                                     const std::string& path,
                                                     const match::Matcher& matcher,
                                                     OutputSink& sink) {
  int64_t started_ns = MonotonicNanos();
  Pipeline pipeline(source, matcher, sink);
  pipeline.Run();
  RETURN_IF_ERROR(pipeline.write_error());
  if (!pipeline.read_error().ok()) {
    return absl::DataLossError(absl::StrCat(path, ": ", pipeline.read_error().message()));
  }
  report::ScanStats stats = pipeline.stats();
  stats.forgery_acceptance_p = match::ForgedTcpAcceptance(matcher.config());
  NoteTruncation(source, &stats);
  stats.duration_s = static_cast<double>(MonotonicNanos() - started_ns) / 1e9;
  return stats;
}

}  // namespace cutpoint::session
