// SPDX-License-Identifier: Apache-2.0
// INSERT ... ON CONFLICT DO UPDATE into a distributed table (engine/distributed_upsert.h).
#include "engine/distributed_upsert.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "engine/deparse_expression.h"
#include "engine/expression.h"
#include "engine/function/kernel_builder.h"
#include "engine/remote/remote_connection.h"

namespace tessera::engine {

namespace {

using builtin::QuoteIdentifier;

[[noreturn]] void ThrowRowAffectedTwice() {
  throw SqlError(SqlState::kCardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time")
      .WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.");
}

std::string Literal(const Value& value) {
  const std::optional<std::string> literal = DeparseConstant(value);
  if (!literal) {
    throw SqlError(SqlState::kFeatureNotSupported, "ON CONFLICT DO UPDATE on a distributed table with a value of type " +
                                                       FormatType(value.type()) + " is not supported yet");
  }
  return *literal;
}

const IndexInfo& Arbiter(const PlanNode& node) {
  if (node.conflict_index < 0) {
    throw SqlError(SqlState::kFeatureNotSupported, "ON CONFLICT DO UPDATE without a conflict target is not supported");
  }
  return node.relation->indexes[node.conflict_index];
}

}  // namespace

DistributedUpsert::DistributedUpsert(const PlanNode& node, ExecContext& context, DistributedWriter& writer)
    : node_(node), relation_(*node.relation), arbiter_(Arbiter(node)), context_(context), writer_(writer) {
  if (relation_.IsReferenceTable()) {
    throw SqlError(SqlState::kFeatureNotSupported, "ON CONFLICT DO UPDATE on a reference table is not supported yet");
  }
  if (std::count(node.update_columns.begin(), node.update_columns.end(), relation_.shard_column) > 0) {
    throw SqlError(SqlState::kFeatureNotSupported,
                   "ON CONFLICT DO UPDATE assigning the shard key of a distributed table is not supported");
  }
}

Batch DistributedUpsert::Apply(const Batch& input) {
  const std::map<std::string, PartitionRow> held =
      RowsWithKeys(*context_.database, writer_.transaction(), relation_, arbiter_, input);
  // Which rows meet a held key.
  std::vector<sel_t> conflicting;
  std::vector<const PartitionRow*> held_rows;
  for (idx_t row = 0; row < input.num_rows; ++row) {
    const std::string key = KeyIdentity(arbiter_, input, row);
    auto found = key.empty() ? held.end() : held.find(key);
    if (found == held.end()) continue;
    conflicting.push_back(static_cast<sel_t>(row));
    held_rows.push_back(&found->second);
  }
  // DO UPDATE's WHERE and SET over [held row..., EXCLUDED...].
  Batch pair;
  for (size_t column = 0; column < relation_.columns.size(); ++column) {
    Vector values(relation_.columns[column].type);
    for (const PartitionRow* row : held_rows) values.AppendValue(row->values[column]);
    pair.columns.push_back(std::move(values));
  }
  for (const Vector& column : input.columns) pair.columns.push_back(column.Gather(conflicting.data(), conflicting.size()));
  pair.num_rows = conflicting.size();
  std::vector<bool> passes(conflicting.size(), true);
  Batch updated;
  updated.columns.assign(pair.columns.begin(), pair.columns.begin() + static_cast<std::ptrdiff_t>(relation_.columns.size()));
  updated.num_rows = pair.num_rows;
  if (pair.num_rows > 0) {
    if (node_.conflict_where) {
      const Vector where = Evaluate(*node_.conflict_where, pair, context_);
      for (idx_t row = 0; row < pair.num_rows; ++row) passes[row] = !where.IsNull(row) && where.GetValue(row).GetBool();
    }
    for (size_t set = 0; set < node_.update_columns.size(); ++set) {
      updated.columns[node_.update_columns[set]] = Evaluate(*node_.conflict_set[set], pair, context_);
    }
  }
  // In input order: each key is inserted or updated once in the statement.
  std::vector<std::pair<bool, idx_t>> order;  // (updated, row of `updated` or of `input`)
  std::vector<sel_t> inserted, changed;
  for (idx_t row = 0, next = 0; row < input.num_rows; ++row) {
    const bool conflicts = next < conflicting.size() && conflicting[next] == row;
    const idx_t position = conflicts ? next++ : row;
    if (conflicts && !passes[position]) continue;
    const std::string key = KeyIdentity(arbiter_, input, row);
    if (!key.empty() && !affected_.insert(key).second) ThrowRowAffectedTwice();
    order.emplace_back(conflicts, position);
    (conflicts ? changed : inserted).push_back(static_cast<sel_t>(position));
  }
  for (sel_t row : changed) UpdateRow(*held_rows[row], updated, row);
  rows_updated_ += static_cast<int64_t>(changed.size());
  if (!inserted.empty()) {
    Batch rows;
    for (const Vector& column : input.columns) rows.columns.push_back(column.Gather(inserted.data(), inserted.size()));
    rows.num_rows = inserted.size();
    writer_.Write(rows);
  }
  Batch changed_rows;
  for (const Vector& column : updated.columns) changed_rows.columns.push_back(column.Gather(changed.data(), changed.size()));
  changed_rows.num_rows = changed.size();
  if (!changed.empty() && HasGlobalUnique(relation_)) {
    CheckWrittenKeys(*context_.database, writer_.transaction(), relation_, changed_rows);
  }
  // The rows as written, for RETURNING.
  Batch result;
  for (size_t column = 0; column < relation_.columns.size(); ++column) {
    Vector values(relation_.columns[column].type);
    for (const auto& [is_update, row] : order) {
      values.AppendValue(is_update ? updated.columns[column].GetValue(row) : input.columns[column].GetValue(row));
    }
    result.columns.push_back(std::move(values));
  }
  result.num_rows = order.size();
  return result;
}

void DistributedUpsert::UpdateRow(const PartitionRow& held, const Batch& updated, idx_t row) {
  std::string assignments;
  for (int column : node_.update_columns) {
    assignments += (assignments.empty() ? "" : ", ") + QuoteIdentifier(relation_.columns[column].name) + " = " +
                   Literal(updated.columns[column].GetValue(row));
  }
  std::string key;
  for (int column : arbiter_.columns) {
    key += (key.empty() ? "" : " AND ") + QuoteIdentifier(relation_.columns[column].name) + " = " +
           Literal(held.values[column]);
  }
  writer_.PartitionConnection(held.partition)
      .Execute("UPDATE " + ShardTableName(relation_.oid, held.partition) + " SET " + assignments + " WHERE " + key,
               writer_.transaction().timeout());
}

}  // namespace tessera::engine
