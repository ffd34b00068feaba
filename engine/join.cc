// SPDX-License-Identifier: Apache-2.0
// Joins: the right side is materialised (and hashed on its keys for a hash join); left batches stream
// through. Candidate pairs are built a batch at a time, the residual condition is evaluated on them
// vectorized, and outer joins add the unmatched rows padded with NULLs. A hash join on one integer key of
// the same type on both sides uses IntKeyTable (batched hashing and probes, no key strings).
#include <optional>
#include <unordered_map>

#include "engine/int_key_table.h"
#include "engine/operators_internal.h"
#include "engine/plan.h"
#include "engine/row_key.h"

namespace tessera::engine {

namespace {

class JoinOperator : public Operator {
 public:
  JoinOperator(const PlanNode& node, ExecContext& context)
      : node_(node),
        context_(context),
        left_(CreateOperator(*node.children[0], context)),
        right_child_(CreateOperator(*node.children[1], context)) {
    const size_t left_width = node.children[0]->output_types.size();
    left_types_.assign(node.output_types.begin(), node.output_types.begin() + left_width);
    right_types_.assign(node.output_types.begin() + left_width, node.output_types.end());
    if (node.join_kind == JoinKind::kSemi || node.join_kind == JoinKind::kAnti) right_types_ = node.children[1]->output_types;
  }

  bool Next(Batch* out) override {
    if (!built_) Build();
    while (true) {
      context_.CheckCancel();
      if (!pending_.empty()) {
        *out = std::move(pending_.back());
        pending_.pop_back();
        if (out->num_rows > 0) return true;
        continue;
      }
      if (left_done_) return false;
      Batch left;
      if (!left_->Next(&left)) {
        left_done_ = true;
        EmitUnmatchedRight();
        continue;
      }
      ProbeBatch(left);
    }
  }

 private:
  bool IsHash() const { return node_.kind == PlanKind::kHashJoin; }

  bool HasIntegerKey() const {
    return node_.left_keys.size() == 1 && node_.left_keys[0]->type.id == node_.right_keys[0]->type.id &&
           IntKeyTable::Supports(node_.right_keys[0]->type);
  }

  void Build() {
    built_ = true;
    right_ = Materialize(*right_child_, right_types_, context_);
    right_matched_.assign(right_.num_rows, 0);
    if (!IsHash()) return;
    std::vector<Vector> keys;
    for (const auto& key : node_.right_keys) keys.push_back(Evaluate(*key, right_, context_));
    if (HasIntegerKey()) {
      int_table_.emplace(keys[0], right_.num_rows);
      return;
    }
    for (idx_t row = 0; row < right_.num_rows; ++row) {
      bool has_null = false;
      for (const auto& key : keys) has_null = has_null || key.IsNull(row);
      if (has_null) continue;
      table_[RowKey(keys, row)].push_back(static_cast<sel_t>(row));
    }
  }

  // Evaluates the residual on the pairs and records the matches.
  void FlushPairs(const Batch& left, std::vector<sel_t>& left_rows, std::vector<sel_t>& right_rows,
                  std::vector<uint8_t>& left_matched) {
    if (left_rows.empty()) return;
    Batch pairs;
    for (const auto& column : left.columns) pairs.columns.push_back(column.Gather(left_rows.data(), left_rows.size()));
    for (const auto& column : right_.columns) pairs.columns.push_back(column.Gather(right_rows.data(), right_rows.size()));
    pairs.num_rows = left_rows.size();
    if (node_.predicate) {
      auto keep = EvaluateFilter(*node_.predicate, pairs, context_);
      if (keep.size() != pairs.num_rows) {
        pairs.Compact(keep.data(), keep.size());
        std::vector<sel_t> kept_left, kept_right;
        for (sel_t index : keep) {
          kept_left.push_back(left_rows[index]);
          kept_right.push_back(right_rows[index]);
        }
        left_rows = std::move(kept_left);
        right_rows = std::move(kept_right);
      }
    }
    for (size_t index = 0; index < left_rows.size(); ++index) {
      left_matched[left_rows[index]] = 1;
      right_matched_[right_rows[index]] = 1;
    }
    if (node_.join_kind != JoinKind::kSemi && node_.join_kind != JoinKind::kAnti) pending_.push_back(std::move(pairs));
    left_rows.clear();
    right_rows.clear();
  }

  void ProbeBatch(const Batch& left) {
    std::vector<uint8_t> left_matched(left.num_rows, 0);
    std::vector<sel_t> left_rows, right_rows;
    auto add_pair = [&](sel_t left_row, sel_t right_row) {
      left_rows.push_back(left_row);
      right_rows.push_back(right_row);
      if (left_rows.size() >= kBatchSize) FlushPairs(left, left_rows, right_rows, left_matched);
    };
    if (int_table_) {
      const Vector keys = Evaluate(*node_.left_keys[0], left, context_);
      int_table_->Probe(keys, left.num_rows, first_rows_);
      for (idx_t row = 0; row < left.num_rows; ++row) {
        for (uint32_t right_row = first_rows_[row]; right_row != IntKeyTable::kEnd; right_row = int_table_->Next(right_row)) {
          add_pair(static_cast<sel_t>(row), static_cast<sel_t>(right_row));
        }
      }
    } else if (IsHash()) {
      std::vector<Vector> keys;
      for (const auto& key : node_.left_keys) keys.push_back(Evaluate(*key, left, context_));
      for (idx_t row = 0; row < left.num_rows; ++row) {
        bool has_null = false;
        for (const auto& key : keys) has_null = has_null || key.IsNull(row);
        if (has_null) continue;
        auto found = table_.find(RowKey(keys, row));
        if (found == table_.end()) continue;
        for (sel_t right_row : found->second) add_pair(static_cast<sel_t>(row), right_row);
      }
    } else {
      for (idx_t row = 0; row < left.num_rows; ++row) {
        for (idx_t right_row = 0; right_row < right_.num_rows; ++right_row) {
          add_pair(static_cast<sel_t>(row), static_cast<sel_t>(right_row));
        }
      }
    }
    FlushPairs(left, left_rows, right_rows, left_matched);
    const JoinKind kind = node_.join_kind;
    if (kind == JoinKind::kLeft || kind == JoinKind::kFull || kind == JoinKind::kSemi || kind == JoinKind::kAnti) {
      const bool want_matched = kind == JoinKind::kSemi;
      std::vector<sel_t> rows;
      for (idx_t row = 0; row < left.num_rows; ++row) {
        if ((left_matched[row] != 0) == want_matched) rows.push_back(static_cast<sel_t>(row));
      }
      if (rows.empty()) return;
      Batch result;
      for (const auto& column : left.columns) result.columns.push_back(column.Gather(rows.data(), rows.size()));
      if (kind == JoinKind::kLeft || kind == JoinKind::kFull) {
        for (const auto& type : right_types_) result.columns.push_back(NullVector(type, rows.size()));
      }
      result.num_rows = rows.size();
      pending_.push_back(std::move(result));
    }
  }

  static Vector NullVector(const LogicalType& type, idx_t count) {
    Vector vector(type, count);
    for (idx_t row = 0; row < count; ++row) vector.SetNull(row, true);
    return vector;
  }

  void EmitUnmatchedRight() {
    if (node_.join_kind != JoinKind::kRight && node_.join_kind != JoinKind::kFull) return;
    std::vector<sel_t> rows;
    for (idx_t row = 0; row < right_.num_rows; ++row) {
      if (!right_matched_[row]) rows.push_back(static_cast<sel_t>(row));
    }
    for (size_t start = 0; start < rows.size(); start += kBatchSize) {
      const size_t count = std::min<size_t>(kBatchSize, rows.size() - start);
      Batch result;
      for (const auto& type : left_types_) result.columns.push_back(NullVector(type, count));
      for (const auto& column : right_.columns) result.columns.push_back(column.Gather(rows.data() + start, count));
      result.num_rows = count;
      pending_.insert(pending_.begin(), std::move(result));
    }
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> left_;
  std::unique_ptr<Operator> right_child_;
  std::vector<LogicalType> left_types_, right_types_;
  Batch right_;
  std::vector<uint8_t> right_matched_;
  std::unordered_map<std::string, std::vector<sel_t>> table_;
  std::optional<IntKeyTable> int_table_;  // instead of table_ for one integer key
  std::vector<uint32_t> first_rows_;      // per probe row: its first match in int_table_
  std::vector<Batch> pending_;
  bool built_ = false;
  bool left_done_ = false;
};

}  // namespace

std::unique_ptr<Operator> MakeJoinOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<JoinOperator>(node, context);
}

}  // namespace tessera::engine
