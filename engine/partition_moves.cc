// SPDX-License-Identifier: Apache-2.0
// The gates between partition moves and the statements writing or reading distributed tables, and the
// rebalance progress (engine/partition_moves.h).
#include "engine/partition_moves.h"

namespace tessera::engine {

PartitionMoves::WriteGuard PartitionMoves::LockForWrite(uint32_t table_oid, size_t partition,
                                                        const std::function<void()>& check_cancel) {
  const Key key{table_oid, partition};
  std::unique_lock lock(gates_mutex_);
  const auto open = [&] {
    const Gate& gate = gates_[key];
    return gate.moves_waiting == 0 && !gate.moving;
  };
  while (!gates_changed_.wait_for(lock, std::chrono::milliseconds(50), open)) {
    lock.unlock();
    check_cancel();
    lock.lock();
  }
  Gate& gate = gates_[key];
  ++gate.writers;
  ++gate.generation;
  return WriteGuard(this, key);
}

PartitionMoves::MoveGuard PartitionMoves::LockForMove(uint32_t table_oid, size_t partition) {
  const Key key{table_oid, partition};
  std::unique_lock lock(gates_mutex_);
  ++gates_[key].moves_waiting;
  gates_changed_.wait(lock, [&] {
    const Gate& gate = gates_[key];
    return gate.writers == 0 && !gate.moving;
  });
  Gate& gate = gates_[key];
  --gate.moves_waiting;
  gate.moving = true;
  return MoveGuard(this, key);
}

void PartitionMoves::EndWrite(Key key) {
  {
    std::lock_guard lock(gates_mutex_);
    --gates_[key].writers;
  }
  gates_changed_.notify_all();
}

void PartitionMoves::EndMove(Key key) {
  {
    std::lock_guard lock(gates_mutex_);
    gates_[key].moving = false;
  }
  gates_changed_.notify_all();
}

PartitionMoves::WriteStamp PartitionMoves::Stamp(uint32_t table_oid, size_t partition) {
  std::lock_guard lock(gates_mutex_);
  const Gate& gate = gates_[{table_oid, partition}];
  return WriteStamp{gate.generation, gate.writers == 0};
}

bool PartitionMoves::UnchangedSince(uint32_t table_oid, size_t partition, const WriteStamp& stamp) {
  std::lock_guard lock(gates_mutex_);
  return stamp.idle && gates_[{table_oid, partition}].generation == stamp.generation;
}

PartitionMoves::ReadTicket PartitionMoves::BeginRead() {
  std::lock_guard lock(reads_mutex_);
  const uint64_t ticket = next_read_++;
  active_reads_.insert(ticket);
  return ReadTicket(this, ticket);
}

uint64_t PartitionMoves::NextReadTicket() {
  std::lock_guard lock(reads_mutex_);
  return next_read_;
}

void PartitionMoves::EndRead(uint64_t ticket) {
  {
    std::lock_guard lock(reads_mutex_);
    active_reads_.erase(ticket);
  }
  reads_changed_.notify_all();
}

bool PartitionMoves::WaitForReadsBefore(uint64_t ticket, const std::function<bool()>& canceled) {
  std::unique_lock lock(reads_mutex_);
  for (;;) {
    if (active_reads_.empty() || *active_reads_.begin() >= ticket) return true;
    if (canceled()) return false;
    reads_changed_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

bool PartitionMoves::BeginRebalance(const std::string& operation, int64_t partitions_total) {
  std::lock_guard lock(progress_mutex_);
  if (progress_.state == "running") return false;
  progress_ = RebalanceProgress{};
  progress_.operation = operation;
  progress_.state = "running";
  progress_.partitions_total = partitions_total;
  progress_.started = std::chrono::steady_clock::now();
  return true;
}

void PartitionMoves::UpdateProgress(const std::function<void(RebalanceProgress&)>& update) {
  std::lock_guard lock(progress_mutex_);
  update(progress_);
}

void PartitionMoves::EndRebalance(const std::string& error) {
  std::lock_guard lock(progress_mutex_);
  progress_.state = error.empty() ? "done" : "failed";
  progress_.error = error;
  progress_.current_move.clear();
  progress_.finished = std::chrono::steady_clock::now();
}

RebalanceProgress PartitionMoves::progress() const {
  std::lock_guard lock(progress_mutex_);
  return progress_;
}

}  // namespace tessera::engine
