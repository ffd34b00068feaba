// SPDX-License-Identifier: Apache-2.0
// Concurrent reads of a distributed scan's partitions (engine/distributed_read.h).
#include "engine/distributed_read.h"

#include <algorithm>
#include <set>

#include "base/error.h"
#include "engine/distributed.h"
#include "engine/remote/connection_pool.h"

namespace tessera::engine {

namespace {

// Thrown by a read's batch consumer to abandon its statement once the reader stops.
struct ReadStopped {};

}  // namespace

PartitionReader::PartitionReader(Database& database, std::vector<PartitionReadRequest> requests,
                                 std::vector<LogicalType> types, bool drop_columns, NodeProfile* profile)
    : database_(database),
      requests_(std::move(requests)),
      types_(std::move(types)),
      drop_columns_(drop_columns),
      profile_(profile),
      timeout_(WorkerTimeout(database.options())),
      queues_(requests_.size()),
      finished_(requests_.size(), false) {
  std::set<uint32_t> workers;
  for (const PartitionReadRequest& request : requests_) workers.insert(request.worker_id);
  const size_t threads = std::min({requests_.size(), kReadsPerWorker * workers.size(), kMaxConcurrentReads});
  running_threads_ = threads;
  for (size_t index = 0; index < threads; ++index) threads_.emplace_back([this] { ReadLoop(); });
}

PartitionReader::~PartitionReader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

bool PartitionReader::Next(Batch* out, const std::function<void()>& check_cancel) {
  std::unique_lock lock(mutex_);
  for (;;) {
    while (head_ < requests_.size() && queues_[head_].empty() && finished_[head_]) ++head_;
    if (error_) std::rethrow_exception(error_);
    if (head_ == requests_.size()) return false;
    if (!queues_[head_].empty()) break;
    // The head request was handed out before any later one, so a thread is reading it.
    if (running_threads_ == 0) return false;
    if (!changed_.wait_for(lock, kCancelPoll, [this] { return !queues_[head_].empty() || finished_[head_] || error_; })) {
      lock.unlock();
      check_cancel();
      lock.lock();
    }
  }
  *out = std::move(queues_[head_].front());
  queues_[head_].pop_front();
  --queued_;
  changed_.notify_all();  // a thread may be waiting for room to start its next request
  return true;
}

void PartitionReader::ReadLoop() {
  for (;;) {
    const PartitionReadRequest* request = nullptr;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || queued_ < kMaxQueuedBatches; });
      if (!stopping_ && next_request_ < requests_.size()) request = &requests_[next_request_++];
    }
    if (request == nullptr) break;
    try {
      Read(*request);
    } catch (const ReadStopped&) {
      break;
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
      stopping_ = true;
      break;
    }
  }
  std::lock_guard lock(mutex_);
  --running_threads_;
  changed_.notify_all();
}

void PartitionReader::Read(const PartitionReadRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  remote::ConnectionPool& pool = database_.worker_connections();
  remote::RemoteConnection connection = pool.Acquire(request.endpoint, timeout_);
  uint64_t rows = 0;
  const size_t index = static_cast<size_t>(&request - requests_.data());
  connection.Query(request.sql,
                   [&](Batch batch) {
                     if (drop_columns_) batch.columns.clear();
                     TakeTypes(batch, types_);
                     rows += batch.num_rows;
                     std::lock_guard lock(mutex_);
                     if (stopping_) throw ReadStopped{};
                     queues_[index].push_back(std::move(batch));
                     ++queued_;
                     changed_.notify_all();
                   },
                   timeout_);
  pool.Release(std::move(connection));
  {
    std::lock_guard lock(mutex_);
    finished_[index] = true;
    changed_.notify_all();
  }
  if (profile_ != nullptr) {
    const auto elapsed = std::chrono::steady_clock::now() - start;
    profile_->AddPartitionRead({request.partitions, request.worker_id, rows,
                                static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count())});
  }
}

}  // namespace tessera::engine
