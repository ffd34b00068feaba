// SPDX-License-Identifier: Apache-2.0
// Moving partitions of distributed tables between workers, the coordinator's side (docs/CLUSTER.md,
// tessera.rebalance): how a move and the statements using the same partition keep out of each other's
// way, and the progress of the running (or last) rebalance for the view tessera.rebalance_progress.
//
// Writers and a move: a statement writing a partition holds a WriteGuard on it from the first row it
// routes there until its commit (or rollback) has ended; a move holds a MoveGuard on it while it
// finishes the copy and switches the placement. A MoveGuard waits for the writers holding the partition,
// and new writers of the partition wait while a move holds or waits for it (a move is never starved). A
// writer routes its rows by the placement it reads from the catalog after taking its guard, so it always
// reaches the copy that will be kept. Distinct partitions never wait for each other.
//
// A move first copies without the guard; a WriteStamp taken before that copy tells, once the move holds
// the guard, whether any writer held the partition since: if none did, the copy is complete.
//
// Readers and the old copy: a statement reading distributed tables holds a ReadTicket, taken before
// it looks up the placement, for as long as it reads. After switching a placement, a move takes
// NextReadTicket() and waits with WaitForReadsBefore() until every read that might still use the old
// placement has ended; only then is the old shard table dropped.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace tessera::engine {

// The running or last rebalance (tessera.rebalance or tessera.drain_worker), as the view shows it.
struct RebalanceProgress {
  std::string operation;  // "rebalance" or "drain_worker host:port"; empty: none ran since start-up
  std::string state;      // "running", "done" or "failed"
  int64_t partitions_total = 0;
  int64_t partitions_moved = 0;
  int64_t partitions_caught_up = 0;  // written during their copy: the changes applied, writers held back
  int64_t rows_copied = 0;
  int64_t rows_caught_up = 0;  // rows deleted plus added in new copies by catch-ups
  int64_t bytes_copied = 0;    // the copied rows' size in memory on the old workers
  std::string current_move;  // "table partition N: worker A -> worker B" while one runs
  std::string error;         // why it failed
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point finished;  // when state is not "running"
};

class PartitionMoves {
 public:
  using Key = std::pair<uint32_t, size_t>;  // (table oid, partition)

  class WriteGuard {
   public:
    WriteGuard(PartitionMoves* moves, Key key) : moves_(moves), key_(key) {}
    WriteGuard(WriteGuard&& other) noexcept : moves_(std::exchange(other.moves_, nullptr)), key_(other.key_) {}
    WriteGuard& operator=(WriteGuard&&) = delete;
    ~WriteGuard() {
      if (moves_ != nullptr) moves_->EndWrite(key_);
    }

   private:
    PartitionMoves* moves_;
    Key key_;
  };

  class MoveGuard {
   public:
    MoveGuard(PartitionMoves* moves, Key key) : moves_(moves), key_(key) {}
    MoveGuard(const MoveGuard&) = delete;
    MoveGuard& operator=(const MoveGuard&) = delete;
    ~MoveGuard() { moves_->EndMove(key_); }

   private:
    PartitionMoves* moves_;
    Key key_;
  };

  class ReadTicket {
   public:
    ReadTicket(PartitionMoves* moves, uint64_t ticket) : moves_(moves), ticket_(ticket) {}
    ReadTicket(ReadTicket&& other) noexcept : moves_(std::exchange(other.moves_, nullptr)), ticket_(other.ticket_) {}
    ReadTicket& operator=(ReadTicket&&) = delete;
    ~ReadTicket() {
      if (moves_ != nullptr) moves_->EndRead(ticket_);
    }

   private:
    PartitionMoves* moves_;
    uint64_t ticket_;
  };

  // What the writers of a partition had done at one moment.
  struct WriteStamp {
    uint64_t generation = 0;  // WriteGuards ever taken on the partition
    bool idle = false;        // none was held
  };

  // Waits while a move holds or waits for the partition, calling `check_cancel` (which may throw; then
  // nothing is held) every 50 ms.
  WriteGuard LockForWrite(uint32_t table_oid, size_t partition, const std::function<void()>& check_cancel);
  // Waits until no writer holds the partition; one move per partition at a time.
  MoveGuard LockForMove(uint32_t table_oid, size_t partition);
  WriteStamp Stamp(uint32_t table_oid, size_t partition);
  // Whether no writer held the partition at or since `stamp` was taken: a copy begun after Stamp() has
  // every row then. REQUIRES: the caller holds the partition's MoveGuard.
  bool UnchangedSince(uint32_t table_oid, size_t partition, const WriteStamp& stamp);

  ReadTicket BeginRead();
  uint64_t NextReadTicket();
  // Waits until every read whose ticket is below `ticket` has ended. Checks `canceled` every 100 ms and
  // returns false when it says so (the reads are then still running).
  bool WaitForReadsBefore(uint64_t ticket, const std::function<bool()>& canceled);

  // The rebalance being run: BeginRebalance returns false when one is running already.
  bool BeginRebalance(const std::string& operation, int64_t partitions_total);
  void UpdateProgress(const std::function<void(RebalanceProgress&)>& update);
  void EndRebalance(const std::string& error);
  RebalanceProgress progress() const;

 private:
  struct Gate {
    int writers = 0;
    uint64_t generation = 0;  // WriteGuards ever taken
    int moves_waiting = 0;
    bool moving = false;
  };

  void EndWrite(Key key);
  void EndMove(Key key);
  void EndRead(uint64_t ticket);

  std::mutex gates_mutex_;
  std::condition_variable gates_changed_;
  std::map<Key, Gate> gates_;  // GUARDED_BY(gates_mutex_); one per partition ever written or moved

  std::mutex reads_mutex_;
  std::condition_variable reads_changed_;
  std::set<uint64_t> active_reads_;  // GUARDED_BY(reads_mutex_)
  uint64_t next_read_ = 1;           // GUARDED_BY(reads_mutex_)

  mutable std::mutex progress_mutex_;
  RebalanceProgress progress_;  // GUARDED_BY(progress_mutex_)
};

}  // namespace tessera::engine
