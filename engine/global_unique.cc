// SPDX-License-Identifier: Apache-2.0
// Global unique indexes of distributed tables: the table write locks and the key counts over every
// partition (engine/global_unique.h).
#include "engine/global_unique.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "engine/database.h"
#include "engine/deparse_expression.h"
#include "engine/distributed.h"
#include "engine/distributed_transaction.h"
#include "engine/function/kernel_builder.h"
#include "engine/partition_moves.h"

namespace tessera::engine {

bool IsGlobalUnique(const RelationInfo& relation, const IndexInfo& index) {
  if (!index.unique || relation.placement.empty() || relation.IsReferenceTable()) return false;
  return std::find(index.columns.begin(), index.columns.end(), relation.shard_column) == index.columns.end();
}

bool HasGlobalUnique(const RelationInfo& relation) {
  return std::any_of(relation.indexes.begin(), relation.indexes.end(),
                     [&relation](const IndexInfo& index) { return IsGlobalUnique(relation, index); });
}

void TableWriteLocks::Acquire(uint32_t table, const void* owner, const std::function<void()>& check_cancel) {
  std::unique_lock lock(mutex_);
  while (true) {
    auto holder = holders_.find(table);
    if (holder == holders_.end()) {
      holders_.emplace(table, owner);
      return;
    }
    if (holder->second == owner) return;
    if (WouldDeadlock(table, owner)) {
      throw SqlError(SqlState::kDeadlockDetected, "deadlock detected")
          .WithDetail("Writers of tables with unique indexes without the shard key wait for one another.");
    }
    waiting_[owner] = table;
    released_.wait_for(lock, std::chrono::milliseconds(50));
    waiting_.erase(owner);
    lock.unlock();
    check_cancel();  // may throw: then nothing is held or awaited
    lock.lock();
  }
}

void TableWriteLocks::Release(uint32_t table, const void* owner) {
  {
    std::lock_guard lock(mutex_);
    auto holder = holders_.find(table);
    if (holder == holders_.end() || holder->second != owner) return;
    holders_.erase(holder);
  }
  released_.notify_all();
}

bool TableWriteLocks::WouldDeadlock(uint32_t table, const void* owner) const {
  // Follows holder -> the table it waits for -> its holder ...; a cycle back to `owner` is a deadlock.
  for (size_t step = 0; step <= waiting_.size(); ++step) {
    auto holder = holders_.find(table);
    if (holder == holders_.end()) return false;
    if (holder->second == owner) return true;
    auto waits = waiting_.find(holder->second);
    if (waits == waiting_.end()) return false;
    table = waits->second;
  }
  return false;
}

namespace {

using builtin::QuoteIdentifier;

// How many keys one counting query filters on.
constexpr size_t kKeysPerQuery = 1000;

std::vector<Value> KeyOf(const IndexInfo& index, const Batch& rows, idx_t row) {
  std::vector<Value> key;
  for (int column : index.columns) key.push_back(rows.columns[column].GetValue(row));
  return key;
}

bool HasNull(const std::vector<Value>& key) {
  return std::any_of(key.begin(), key.end(), [](const Value& value) { return value.is_null(); });
}

// A key's identity among the values of one index (the same values read from a worker or computed here).
std::string KeyIdentity(const std::vector<Value>& key) {
  std::string text;
  for (const Value& value : key) text += value.ToString() + '\x1f';
  return text;
}

// The key as PostgreSQL's details show it: "1, abc".
std::string DisplayKey(const std::vector<Value>& key) {
  std::string text;
  for (size_t position = 0; position < key.size(); ++position) {
    text += (position > 0 ? ", " : "") + (key[position].is_null() ? std::string("null") : key[position].ToString());
  }
  return text;
}

std::string ColumnNames(const RelationInfo& relation, const IndexInfo& index, bool quoted) {
  std::string text;
  for (size_t position = 0; position < index.columns.size(); ++position) {
    const std::string& name = relation.columns[index.columns[position]].name;
    text += (position > 0 ? ", " : "") + (quoted ? QuoteIdentifier(name) : name);
  }
  return text;
}

// A filter matching exactly `keys` (none with a NULL); std::nullopt when a value has no exact literal.
std::optional<std::string> KeyFilter(const RelationInfo& relation, const IndexInfo& index,
                                     const std::vector<std::vector<Value>>& keys) {
  std::string filter;
  if (index.columns.size() == 1) {
    for (const std::vector<Value>& key : keys) {
      const std::optional<std::string> literal = DeparseConstant(key[0]);
      if (!literal) return std::nullopt;
      filter += (filter.empty() ? "" : ", ") + *literal;
    }
    return QuoteIdentifier(relation.columns[index.columns[0]].name) + " IN (" + filter + ")";
  }
  for (const std::vector<Value>& key : keys) {
    std::string conjunction;
    for (size_t position = 0; position < key.size(); ++position) {
      const std::optional<std::string> literal = DeparseConstant(key[position]);
      if (!literal) return std::nullopt;
      conjunction += (position > 0 ? " AND " : "") + QuoteIdentifier(relation.columns[index.columns[position]].name) +
                     " = " + *literal;
    }
    filter += (filter.empty() ? "(" : " OR (") + conjunction + ")";
  }
  return filter;
}

// Every key without a NULL.
std::string NotNullFilter(const RelationInfo& relation, const IndexInfo& index) {
  std::string filter;
  for (int column : index.columns) {
    filter += (filter.empty() ? "" : " AND ") + QuoteIdentifier(relation.columns[column].name) + " IS NOT NULL";
  }
  return filter;
}

// The partitions of `relation` on each worker now, by worker id.
std::map<uint32_t, std::vector<size_t>> PartitionsByWorker(Database& database, const RelationInfo& relation) {
  const std::vector<uint32_t> placement = CurrentPlacement(database, relation);
  std::map<uint32_t, std::vector<size_t>> partitions;
  for (size_t partition = 0; partition < placement.size(); ++partition) partitions[placement[partition]].push_back(partition);
  return partitions;
}

struct KeyCount {
  std::vector<Value> key;
  int64_t count = 0;
};

// How often each key of `index` among the rows passing `filter` occurs over every partition, read through
// `transaction` (each worker counts its partitions' rows, the coordinator adds the workers' counts).
std::map<std::string, KeyCount> CountKeys(Database& database, DistributedTransaction& transaction,
                                          const RelationInfo& relation, const IndexInfo& index,
                                          const std::string& filter) {
  const PartitionMoves::ReadTicket ticket = database.partition_moves().BeginRead();
  const std::string columns = ColumnNames(relation, index, true);
  std::map<std::string, KeyCount> counts;
  for (const auto& [worker, partitions] : PartitionsByWorker(database, relation)) {
    std::string sql = "SELECT " + columns + ", count(*) FROM (";
    for (size_t position = 0; position < partitions.size(); ++position) {
      sql += (position > 0 ? " UNION ALL SELECT " : "SELECT ") + columns + " FROM " +
             ShardTableName(relation.oid, partitions[position]) + " WHERE " + filter;
    }
    sql += ") AS keys GROUP BY " + columns;
    transaction.Read(worker).Query(
        sql,
        [&](Batch batch) {
          for (idx_t row = 0; row < batch.num_rows; ++row) {
            std::vector<Value> key;
            for (size_t position = 0; position < index.columns.size(); ++position) key.push_back(batch.columns[position].GetValue(row));
            KeyCount& entry = counts[KeyIdentity(key)];
            if (entry.key.empty()) entry.key = std::move(key);
            entry.count += batch.columns[index.columns.size()].GetValue(row).GetInt();
          }
        },
        transaction.timeout());
  }
  return counts;
}

// The counts of `keys` (distinct, none with a NULL): filtered on them, or over every key when one has no
// exact literal.
std::map<std::string, KeyCount> CountTheseKeys(Database& database, DistributedTransaction& transaction,
                                               const RelationInfo& relation, const IndexInfo& index,
                                               const std::vector<std::vector<Value>>& keys) {
  const std::optional<std::string> filter = KeyFilter(relation, index, keys);
  return CountKeys(database, transaction, relation, index, filter ? *filter : NotNullFilter(relation, index));
}

// The distinct keys of `index` in `rows` without a NULL, in the order they first occur.
std::vector<std::vector<Value>> DistinctKeys(const IndexInfo& index, const Batch& rows) {
  std::vector<std::vector<Value>> keys;
  std::set<std::string> seen;
  for (idx_t row = 0; row < rows.num_rows; ++row) {
    std::vector<Value> key = KeyOf(index, rows, row);
    if (!HasNull(key) && seen.insert(KeyIdentity(key)).second) keys.push_back(std::move(key));
  }
  return keys;
}

SqlError Violation(const RelationInfo& relation, const IndexInfo& index, const std::vector<Value>& key) {
  return SqlError(SqlState::kUniqueViolation, "duplicate key value violates unique constraint \"" + index.name + "\"")
      .WithDetail("Key (" + ColumnNames(relation, index, false) + ")=(" + DisplayKey(key) + ") already exists.");
}

}  // namespace

WrittenKeys::WrittenKeys(const RelationInfo& relation) : relation_(relation) {
  for (const IndexInfo& index : relation.indexes) {
    if (IsGlobalUnique(relation, index)) indexes_.push_back(IndexKeys{&index, {}, {}, false});
  }
}

void WrittenKeys::Add(const Batch& rows) {
  for (IndexKeys& written : indexes_) {
    if (written.every_key) continue;
    for (idx_t row = 0; row < rows.num_rows; ++row) {
      std::vector<Value> key = KeyOf(*written.index, rows, row);
      if (!HasNull(key) && written.seen.insert(KeyIdentity(key)).second) written.keys.push_back(std::move(key));
    }
    if (written.keys.size() > kMaxListedKeys) {
      written.every_key = true;
      written.keys.clear();
      written.seen.clear();
    }
  }
}

void WrittenKeys::Check(Database& database, DistributedTransaction& transaction) const {
  for (const IndexKeys& written : indexes_) {
    const IndexInfo& index = *written.index;
    if (written.every_key) {
      CheckAllKeys(database, transaction, relation_, index, false);
      continue;
    }
    const std::vector<std::vector<Value>>& keys = written.keys;
    for (size_t first = 0; first < keys.size(); first += kKeysPerQuery) {
      const std::vector<std::vector<Value>> chunk(keys.begin() + static_cast<std::ptrdiff_t>(first),
                                                  keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), first + kKeysPerQuery)));
      const std::map<std::string, KeyCount> counts = CountTheseKeys(database, transaction, relation_, index, chunk);
      for (const std::vector<Value>& key : chunk) {
        auto found = counts.find(KeyIdentity(key));
        if (found != counts.end() && found->second.count > 1) throw Violation(relation_, index, key);
      }
    }
  }
}

void CheckWrittenKeys(Database& database, DistributedTransaction& transaction, const RelationInfo& relation,
                      const Batch& rows) {
  WrittenKeys written(relation);
  written.Add(rows);
  written.Check(database, transaction);
}

void CheckAllKeys(Database& database, DistributedTransaction& transaction, const RelationInfo& relation,
                  const IndexInfo& index, bool creating) {
  for (const auto& [identity, entry] : CountKeys(database, transaction, relation, index, NotNullFilter(relation, index))) {
    if (entry.count <= 1) continue;
    if (!creating) throw Violation(relation, index, entry.key);
    throw SqlError(SqlState::kUniqueViolation, "could not create unique index \"" + index.name + "\"")
        .WithDetail("Key (" + ColumnNames(relation, index, false) + ")=(" + DisplayKey(entry.key) + ") is duplicated.");
  }
}

std::vector<bool> ExistingKeys(Database& database, DistributedTransaction& transaction, const RelationInfo& relation,
                               const IndexInfo& index, const Batch& rows) {
  std::vector<bool> existing(rows.num_rows, false);
  const std::vector<std::vector<Value>> keys = DistinctKeys(index, rows);
  std::map<std::string, KeyCount> counts;
  for (size_t first = 0; first < keys.size(); first += kKeysPerQuery) {
    const std::vector<std::vector<Value>> chunk(keys.begin() + static_cast<std::ptrdiff_t>(first),
                                                keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), first + kKeysPerQuery)));
    counts.merge(CountTheseKeys(database, transaction, relation, index, chunk));
  }
  std::set<std::string> earlier;
  for (idx_t row = 0; row < rows.num_rows; ++row) {
    const std::vector<Value> key = KeyOf(index, rows, row);
    if (HasNull(key)) continue;
    const std::string identity = KeyIdentity(key);
    existing[row] = counts.count(identity) > 0 || !earlier.insert(identity).second;
  }
  return existing;
}

std::map<std::string, PartitionRow> RowsWithKeys(Database& database, DistributedTransaction& transaction,
                                                 const RelationInfo& relation, const IndexInfo& index,
                                                 const Batch& rows) {
  const std::vector<std::vector<Value>> keys = DistinctKeys(index, rows);
  std::map<std::string, PartitionRow> found;
  if (keys.empty()) return found;
  const std::optional<std::string> key_filter = KeyFilter(relation, index, keys);
  const std::string filter = key_filter ? *key_filter : NotNullFilter(relation, index);
  std::string columns;
  for (size_t column = 0; column < relation.columns.size(); ++column) {
    columns += ", " + QuoteIdentifier(relation.columns[column].name);
  }
  const PartitionMoves::ReadTicket ticket = database.partition_moves().BeginRead();
  for (const auto& [worker, partitions] : PartitionsByWorker(database, relation)) {
    std::string sql;
    for (size_t partition : partitions) {
      sql += (sql.empty() ? "SELECT " : " UNION ALL SELECT ") + std::to_string(partition) + columns + " FROM " +
             ShardTableName(relation.oid, partition) + " WHERE " + filter;
    }
    transaction.Read(worker).Query(
        sql,
        [&](Batch batch) {
          for (idx_t row = 0; row < batch.num_rows; ++row) {
            PartitionRow held;
            held.partition = static_cast<size_t>(batch.columns[0].GetValue(row).GetInt());
            for (size_t column = 0; column < relation.columns.size(); ++column) {
              held.values.push_back(batch.columns[column + 1].GetValue(row).WithType(relation.columns[column].type));
            }
            std::vector<Value> key;
            for (int column : index.columns) key.push_back(held.values[column]);
            found.emplace(KeyIdentity(key), std::move(held));
          }
        },
        transaction.timeout());
  }
  return found;
}

std::string KeyIdentity(const IndexInfo& index, const Batch& rows, idx_t row) {
  const std::vector<Value> key = KeyOf(index, rows, row);
  return HasNull(key) ? std::string() : KeyIdentity(key);
}

}  // namespace tessera::engine
