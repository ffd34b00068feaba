// SPDX-License-Identifier: Apache-2.0
// Tests PartitionMoves (engine/partition_moves.h): writers and a move of the same partition exclude each
// other, a waiting move holds new writers back, write stamps tell whether a copy is complete, a move
// can wait for the reads begun before it, and one rebalance runs at a time.
#include "engine/partition_moves.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>

namespace tessera::engine {
namespace {

using namespace std::chrono_literals;

const std::function<void()> kNoCancel = [] {};

// Whether `flag` becomes true within a second.
bool Becomes(const std::atomic<bool>& flag) {
  for (int attempt = 0; attempt < 1000 && !flag; ++attempt) std::this_thread::sleep_for(1ms);
  return flag;
}

TEST_SUITE("PartitionMoves") {
  TEST_CASE("a move waits for the partition's writers, and writers of other partitions go on") {
    PartitionMoves moves;
    std::optional<PartitionMoves::WriteGuard> writer(moves.LockForWrite(7, 1, kNoCancel));
    std::atomic<bool> moving{false};
    std::thread mover([&] {
      PartitionMoves::MoveGuard guard = moves.LockForMove(7, 1);
      moving = true;
    });
    std::this_thread::sleep_for(50ms);
    CHECK_FALSE(moving);
    { PartitionMoves::WriteGuard other = moves.LockForWrite(7, 2, kNoCancel); }  // another partition does not wait
    writer.reset();
    CHECK(Becomes(moving));
    mover.join();
  }

  TEST_CASE("a waiting move holds new writers of its partition back") {
    PartitionMoves moves;
    std::optional<PartitionMoves::WriteGuard> first(moves.LockForWrite(7, 1, kNoCancel));
    std::atomic<bool> moved{false};
    std::atomic<bool> second_wrote{false};
    std::thread mover([&] {
      PartitionMoves::MoveGuard guard = moves.LockForMove(7, 1);
      std::this_thread::sleep_for(50ms);
      moved = true;
    });
    std::this_thread::sleep_for(50ms);
    std::thread second([&] {
      PartitionMoves::WriteGuard guard = moves.LockForWrite(7, 1, kNoCancel);
      CHECK(moved);  // only after the move ended
      second_wrote = true;
    });
    std::this_thread::sleep_for(50ms);
    CHECK_FALSE(second_wrote);
    first.reset();
    mover.join();
    second.join();
    CHECK(second_wrote);
  }

  TEST_CASE("a writer waiting for a move can be canceled, and then holds nothing") {
    PartitionMoves moves;
    {
      PartitionMoves::MoveGuard move = moves.LockForMove(7, 1);
      std::atomic<bool> cancel{false};
      std::atomic<bool> threw{false};
      std::thread writer([&] {
        try {
          PartitionMoves::WriteGuard guard = moves.LockForWrite(7, 1, [&] {
            if (cancel) throw std::runtime_error("canceled");
          });
        } catch (const std::runtime_error&) {
          threw = true;
        }
      });
      std::this_thread::sleep_for(50ms);
      CHECK_FALSE(threw);
      cancel = true;
      CHECK(Becomes(threw));
      writer.join();
    }
    CHECK(moves.Stamp(7, 1).idle);  // the canceled writer left no hold behind
  }

  TEST_CASE("a write stamp says whether a writer held the partition since") {
    PartitionMoves moves;
    const PartitionMoves::WriteStamp quiet = moves.Stamp(7, 1);
    {
      PartitionMoves::MoveGuard guard = moves.LockForMove(7, 1);
      CHECK(moves.UnchangedSince(7, 1, quiet));
    }
    { PartitionMoves::WriteGuard writer = moves.LockForWrite(7, 1, kNoCancel); }
    {
      PartitionMoves::MoveGuard guard = moves.LockForMove(7, 1);
      CHECK_FALSE(moves.UnchangedSince(7, 1, quiet));  // written after the stamp
    }
    std::optional<PartitionMoves::WriteGuard> writer(moves.LockForWrite(7, 1, kNoCancel));
    const PartitionMoves::WriteStamp busy = moves.Stamp(7, 1);
    writer.reset();
    PartitionMoves::MoveGuard guard = moves.LockForMove(7, 1);
    CHECK_FALSE(moves.UnchangedSince(7, 1, busy));  // a writer held it when the stamp was taken
  }

  TEST_CASE("a move waits for the reads begun before it, not for later ones") {
    PartitionMoves moves;
    std::optional<PartitionMoves::ReadTicket> early(moves.BeginRead());
    const uint64_t switched = moves.NextReadTicket();
    PartitionMoves::ReadTicket late = moves.BeginRead();
    std::atomic<bool> done{false};
    std::thread mover([&] {
      CHECK(moves.WaitForReadsBefore(switched, [] { return false; }));
      done = true;
    });
    std::this_thread::sleep_for(50ms);
    CHECK_FALSE(done);
    early.reset();
    CHECK(Becomes(done));
    mover.join();
    std::atomic<bool> canceled{false};
    PartitionMoves::ReadTicket blocking = moves.BeginRead();
    canceled = true;
    CHECK_FALSE(moves.WaitForReadsBefore(moves.NextReadTicket(), [&] { return canceled.load(); }));
  }

  TEST_CASE("one rebalance at a time; its progress is kept after it ends") {
    PartitionMoves moves;
    CHECK(moves.progress().operation.empty());
    REQUIRE(moves.BeginRebalance("rebalance", 3));
    CHECK_FALSE(moves.BeginRebalance("drain_worker h:1", 1));
    moves.UpdateProgress([](RebalanceProgress& progress) { progress.partitions_moved = 2; });
    moves.EndRebalance("worker gone");
    const RebalanceProgress progress = moves.progress();
    CHECK(progress.operation == "rebalance");
    CHECK(progress.state == "failed");
    CHECK(progress.partitions_moved == 2);
    CHECK(progress.error == "worker gone");
    CHECK(moves.BeginRebalance("rebalance", 0));
  }
}

}  // namespace
}  // namespace tessera::engine
