// SPDX-License-Identifier: Apache-2.0
// Rows an UPDATE of the shard key moves between partitions (engine/distributed_key_update.h).
#include "engine/distributed_key_update.h"

#include "engine/distributed.h"
#include "engine/distributed_ship.h"

namespace tessera::engine {

ShardKeyMoves::ShardKeyMoves(const RelationInfo& relation, ExecContext& context) : relation_(relation), context_(context) {
  for (const auto& column : relation.columns) types_.push_back(column.type);
}

Batch ShardKeyMoves::Take(Batch returned, size_t partition) {
  Batch rows;
  Batch returning;
  for (size_t column = 0; column < returned.columns.size(); ++column) {
    (column < types_.size() ? rows : returning).columns.push_back(std::move(returned.columns[column]));
  }
  rows.num_rows = returning.num_rows = returned.num_rows;
  TakeTypes(rows, types_);
  auto [moved, inserted] = moved_.try_emplace(partition, types_);
  const Vector& keys = rows.columns[relation_.shard_column];
  for (idx_t row = 0; row < rows.num_rows; ++row) {
    if (PartitionOfKey(keys.GetValue(row), relation_) != partition) moved->second.AppendRow(rows, row);
  }
  return returning;
}

void ShardKeyMoves::Move(WorkerTransactions& transactions) {
  const auto& key = relation_.columns[relation_.shard_column];
  std::string quoted_key = "\"";
  for (char c : key.name) quoted_key += c == '"' ? std::string("\"\"") : std::string(1, c);
  quoted_key += "\"";
  DistributedWriter writer(relation_, context_, transactions);
  for (const auto& [partition, rows] : moved_) {
    if (rows.num_rows == 0) continue;
    context_.CheckCancel();
    // The partition holds no other row with these keys: every row there hashes to it.
    std::string keys;
    bool null_key = false;
    for (idx_t row = 0; row < rows.num_rows; ++row) {
      const Value value = rows.columns[relation_.shard_column].GetValue(row);
      null_key |= value.is_null();
      if (!value.is_null()) keys += (keys.empty() ? "" : ", ") + ShippedLiteral(value, key.type);
    }
    std::string where = keys.empty() ? "false" : quoted_key + " IN (" + keys + ")";
    if (null_key) where += " OR " + quoted_key + " IS NULL";
    transactions.BeginPartition(relation_, partition)
        .Execute("DELETE FROM " + ShardTableName(relation_.oid, partition) + " WHERE " + where, transactions.timeout());
    writer.Write(rows);
  }
}

}  // namespace tessera::engine
