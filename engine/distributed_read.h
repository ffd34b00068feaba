// SPDX-License-Identifier: Apache-2.0
// Reads the partitions of a distributed scan concurrently: each read is one SQL statement on one
// partition's worker, run on a connection of its own from the database's pool, on its own thread, up to
// kReadsPerWorker per worker the reads reach (kMaxConcurrentReads in all). Measured on a 2-core worker:
// 2 concurrent partition queries ran the trades group-by about 2x faster than 16, as each query already
// runs parallel inside the worker. Batches come out of Next() in the order of the requests, each
// request's in the order its worker sent them (the order a scan of the partitions one after another
// gives, so that results without ORDER BY do not change with the timing of the reads).
//
// Memory: a thread starts its next request only while fewer than kMaxQueuedBatches wait for Next(), so
// a slow consumer holds at most that many batches plus the requests being read.
//
// Errors: the first error of any read (a worker's own, or 08006) is rethrown by Next(); the other reads
// stop at their next batch. Destroying the reader stops the reads and joins the threads.
//
// Thread safety: Next() and the destructor are called by the statement's thread; the reads run on their
// own threads and touch only the pool, the queue and the profile.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/vector.h"
#include "engine/database.h"
#include "engine/plan_profile.h"
#include "engine/remote/remote_connection.h"

namespace tessera::engine {

struct PartitionReadRequest {
  std::vector<size_t> partitions;  // on one worker
  uint32_t worker_id = 0;
  remote::RemoteEndpoint endpoint;
  std::string sql;
};

class PartitionReader {
 public:
  static constexpr size_t kReadsPerWorker = 2;
  static constexpr size_t kMaxConcurrentReads = 16;
  static constexpr size_t kMaxQueuedBatches = 64;

  // Starts the reads. Each batch read is given `types` (TakeTypes in distributed.cc); with
  // `drop_columns` its columns are dropped (a count(*) scan reads a constant per row). `profile` (may be
  // null) receives each partition's rows and time.
  //
  // With `unit_connections` (a transaction block's or the statement's one-snapshot connection per worker:
  // engine/distributed_transaction.h) the reads go over those instead, in waves run inside Next(): the
  // next request of every worker at once, each read to its end, before Next() returns. Between calls no
  // read is running, so the statement's other operators (a subquery's scan, an INSERT's writes) can use
  // the same connections. A worker missing from the map is read over a pooled connection.
  //
  // With `inline_single_read`, a single request is read the same way, in Next() on the statement's thread
  // over a pooled connection: for results that are small (a worker's partial aggregate groups), where a
  // thread of its own costs more than it saves (its start and each hand-over wait for a core on a busy
  // machine).
  PartitionReader(Database& database, std::vector<PartitionReadRequest> requests, std::vector<LogicalType> types,
                  bool drop_columns, NodeProfile* profile,
                  std::map<uint32_t, remote::RemoteConnection*> unit_connections = {}, bool inline_single_read = false);
  ~PartitionReader();
  PartitionReader(const PartitionReader&) = delete;
  PartitionReader& operator=(const PartitionReader&) = delete;

  // The next batch of any partition; false once every read finished. Throws the first read's error.
  // While it waits, calls `check_cancel` every kCancelPoll (which throws to cancel the statement).
  bool Next(Batch* out, const std::function<void()>& check_cancel);

  static constexpr std::chrono::milliseconds kCancelPoll{50};

 private:
  void ReadLoop();
  // Unit connections: reads the next unstarted request of each worker, at once, to their ends.
  void RunWave();
  void Read(const PartitionReadRequest& request);

  Database& database_;
  const std::vector<PartitionReadRequest> requests_;
  const std::vector<LogicalType> types_;
  const bool drop_columns_;
  NodeProfile* const profile_;
  const std::chrono::milliseconds timeout_;
  const std::map<uint32_t, remote::RemoteConnection*> unit_connections_;
  const bool waves_;  // reads run by Next() (unit connections, or an inline single read)

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<bool> started_;      // GUARDED_BY(mutex_); by request
  size_t running_threads_ = 0;     // GUARDED_BY(mutex_)
  bool stopping_ = false;          // GUARDED_BY(mutex_)
  std::exception_ptr error_;       // GUARDED_BY(mutex_)
  std::vector<std::deque<Batch>> queues_;  // GUARDED_BY(mutex_); by request
  std::vector<bool> finished_;             // GUARDED_BY(mutex_); by request: read to its end
  size_t head_ = 0;                // GUARDED_BY(mutex_); the request Next() takes batches from
  size_t queued_ = 0;              // GUARDED_BY(mutex_); batches in queues_
  std::vector<std::thread> threads_;
};

}  // namespace tessera::engine
