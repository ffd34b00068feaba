// SPDX-License-Identifier: Apache-2.0
// Global unique indexes of distributed tables on a coordinator (docs/CLUSTER.md): a unique index or
// constraint that does not include the table's shard key (or of a table without one). Every shard table
// has the index too, which keeps a key unique within its partition; the coordinator, which every write
// goes through, keeps it unique across partitions:
//   - a write that can add keys (INSERT, COPY, UPDATE of an indexed column, ON CONFLICT) first takes
//     the table's write lock (TableWriteLocks), held by its worker transactions until they end (commit
//     or rollback, the block's for a transaction block), so writers of the table follow one another;
//   - once it wrote its rows, and before it commits, it counts the keys it wrote over every partition,
//     inside its own transactions (which see its rows and, under the lock, every other writer's
//     committed ones): a key counted twice is a 23505 that fails the statement.
// Whether an index is global follows from the index and the shard key, both kept in the catalog, so
// nothing more is stored for it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/vector.h"
#include "engine/catalog.h"

namespace tessera::engine {

class Database;
class DistributedTransaction;

// Whether `index` of distributed table `relation` is unique without containing the shard key.
bool IsGlobalUnique(const RelationInfo& relation, const IndexInfo& index);
bool HasGlobalUnique(const RelationInfo& relation);

// The per-table write locks of the coordinator's tables with global unique indexes, and of its reference
// tables (whose copies must change in the same order). An owner (a DistributedTransaction) holds a lock
// from Acquire to Release, across threads: statements of a transaction block may run on different
// threads.
// Thread safety: safe from any thread.
class TableWriteLocks {
 public:
  // Blocks until `owner` holds `table`'s lock (at once when it holds it already). While waiting, calls
  // `check_cancel` now and then, which throws to give up. Throws 40P01 when the wait would close a cycle
  // of owners each waiting for the next one's lock.
  void Acquire(uint32_t table, const void* owner, const std::function<void()>& check_cancel);
  void Release(uint32_t table, const void* owner);

 private:
  bool WouldDeadlock(uint32_t table, const void* owner) const;  // REQUIRES(mutex_)

  std::mutex mutex_;
  std::condition_variable released_;
  std::map<uint32_t, const void*> holders_;  // GUARDED_BY(mutex_)
  std::map<const void*, uint32_t> waiting_;  // GUARDED_BY(mutex_): owner -> table it waits for
};

// The keys of a table's global unique indexes that a statement wrote, checked across partitions before it
// commits. Up to kMaxListedKeys keys per index are counted by one query filtering on them (each worker
// scans its partitions once and returns the matches); past that, every key of the index is counted (one
// scan too, but every key comes back) rather than scanning once per chunk of keys.
class WrittenKeys {
 public:
  static constexpr size_t kMaxListedKeys = 1000;

  explicit WrittenKeys(const RelationInfo& relation);
  // Notes the keys of `rows` (all the table's columns, as written). Keys with a NULL never conflict.
  void Add(const Batch& rows);
  // Throws 23505 (PostgreSQL's "duplicate key value violates unique constraint") when a key noted occurs
  // more than once in the table, counted over every partition through `transaction`, which wrote them
  // (the first such key in the order written, when listed). REQUIRES: `transaction` holds the table's
  // write lock.
  void Check(Database& database, DistributedTransaction& transaction) const;

 private:
  struct IndexKeys {
    const IndexInfo* index;
    std::vector<std::vector<Value>> keys;  // distinct, in the order first written
    std::set<std::string> seen;
    bool every_key = false;  // more than kMaxListedKeys: check them all
  };
  const RelationInfo& relation_;
  std::vector<IndexKeys> indexes_;
};

// WrittenKeys for `rows` alone.
void CheckWrittenKeys(Database& database, DistributedTransaction& transaction, const RelationInfo& relation,
                      const Batch& rows);

// Throws 23505 when any key of `index` occurs more than once in the table: "could not create unique
// index" when `creating`, else as a write's violation (an UPDATE, which may have changed any key).
void CheckAllKeys(Database& database, DistributedTransaction& transaction, const RelationInfo& relation,
                  const IndexInfo& index, bool creating);

// The rows of `rows` (all the table's columns) whose key of `index` is in the table already, read
// through `transaction`, or that an earlier row of `rows` has: what ON CONFLICT DO NOTHING skips. Keys
// with a NULL are never found.
std::vector<bool> ExistingKeys(Database& database, DistributedTransaction& transaction, const RelationInfo& relation,
                               const IndexInfo& index, const Batch& rows);

// A row of a distributed table, read from its partition.
struct PartitionRow {
  size_t partition = 0;
  std::vector<Value> values;  // all the table's columns
};

// The rows of the table whose key of `index` (unique) a row of `rows` (all the table's columns) has, by
// KeyIdentity, read through `transaction`: for ON CONFLICT DO UPDATE.
std::map<std::string, PartitionRow> RowsWithKeys(Database& database, DistributedTransaction& transaction,
                                                 const RelationInfo& relation, const IndexInfo& index,
                                                 const Batch& rows);

// Row `row`'s key of `index` as a string that is equal for equal keys; empty when the key has a NULL.
std::string KeyIdentity(const IndexInfo& index, const Batch& rows, idx_t row);

}  // namespace tessera::engine
