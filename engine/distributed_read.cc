// SPDX-License-Identifier: Apache-2.0
// Concurrent reads of a distributed scan's partitions (engine/distributed_read.h).
#include "engine/distributed_read.h"

#include <algorithm>
#include <optional>
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
                                 std::vector<LogicalType> types, bool drop_columns, NodeProfile* profile,
                                 std::map<uint32_t, remote::RemoteConnection*> unit_connections, bool inline_single_read)
    : database_(database),
      requests_(std::move(requests)),
      types_(std::move(types)),
      drop_columns_(drop_columns),
      profile_(profile),
      timeout_(WorkerTimeout(database.options())),
      unit_connections_(std::move(unit_connections)),
      waves_(!unit_connections_.empty() || (inline_single_read && requests_.size() == 1)),
      started_(requests_.size(), false),
      queues_(requests_.size()),
      finished_(requests_.size(), false) {
  if (waves_) return;  // run by Next()
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
    if (waves_) {
      lock.unlock();
      RunWave();  // the head is not started: every request started in a wave has finished
      lock.lock();
      continue;
    }
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

void PartitionReader::RunWave() {
  std::vector<const PartitionReadRequest*> wave;
  {
    std::lock_guard lock(mutex_);
    std::set<uint32_t> workers;
    for (size_t index = head_; index < requests_.size(); ++index) {
      if (started_[index] || !workers.insert(requests_[index].worker_id).second) continue;
      started_[index] = true;
      wave.push_back(&requests_[index]);
    }
  }
  std::vector<std::exception_ptr> errors(wave.size());
  std::vector<std::thread> threads;
  for (size_t index = 1; index < wave.size(); ++index) {
    threads.emplace_back([this, &wave, &errors, index] {
      try {
        Read(*wave[index]);
      } catch (...) {
        errors[index] = std::current_exception();
      }
    });
  }
  try {
    if (!wave.empty()) Read(*wave[0]);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

void PartitionReader::ReadLoop() {
  for (;;) {
    const PartitionReadRequest* request = nullptr;
    {
      std::unique_lock lock(mutex_);
      // Room in the queues for the next request.
      changed_.wait(lock, [this] { return stopping_ || queued_ < kMaxQueuedBatches; });
      const auto unstarted = std::find(started_.begin(), started_.end(), false);
      if (!stopping_ && unstarted != started_.end()) {
        *unstarted = true;
        request = &requests_[static_cast<size_t>(unstarted - started_.begin())];
      }
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
  const auto unit = unit_connections_.find(request.worker_id);
  std::optional<remote::RemoteConnection> pooled;
  if (unit == unit_connections_.end()) pooled.emplace(pool.Acquire(request.endpoint, timeout_));
  remote::RemoteConnection& connection = pooled ? *pooled : *unit->second;
  uint64_t rows = 0;
  const size_t index = static_cast<size_t>(&request - requests_.data());
  connection.Query(request.sql,
                   [&](Batch batch) {
                     if (drop_columns_) batch.columns.clear();
                     TakeTypes(batch, types_);
                     rows += batch.num_rows;
                     std::lock_guard lock(mutex_);
                     if (stopping_) throw ReadStopped{};  // abandons the statement and its connection
                     queues_[index].push_back(std::move(batch));
                     ++queued_;
                     changed_.notify_all();
                   },
                   timeout_);
  if (pooled) pool.Release(std::move(*pooled));
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
