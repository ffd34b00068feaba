// SPDX-License-Identifier: Apache-2.0
// Hash aggregate: groups rows by the canonical key of the group expressions and updates each aggregate's
// state a batch at a time. Without group keys it produces exactly one row (count(*) of nothing is 0).
// Grouped by one integer key (engine/direct_group_index.h), rows find their group by an array lookup at
// value - base while the keys' range stays small, and by hashing once it outgrows the window. Grouped by
// one column of a table scan whose rows come with dictionary codes (frozen segments), rows are grouped by
// code: each code's group is looked up once per dictionary, not per row. Calls of count, sum, avg, min and
// max over integer and float8 arguments update direct-indexed accumulators by group id with simd kernels
// (engine/group_accumulators.h); the others update their states row by row.
// The parallel form aggregates runs of partitions (of a scan, or of each scan of a UNION ALL) in tasks and
// merges the partial states in partition order, so groups come out in the order the serial aggregate
// finds them.
#include <algorithm>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "engine/operators_internal.h"
#include "engine/parallel.h"
#include "engine/task_pool.h"
#include "engine/database.h"
#include "engine/direct_group_index.h"
#include "engine/encoded_aggregate.h"
#include "engine/group_accumulators.h"
#include "engine/plan.h"
#include "engine/plan_profile.h"
#include "engine/row_key.h"
#include "simd/aggregate/aggregate.h"
#include "storage/column_chunk.h"

namespace tessera::engine {

namespace {

// A partition of one of the scans an encoded aggregate reads.
struct EncodedPiece {
  size_t source;  // index into the aggregate's EncodedSources
  int partition;
};

// The pieces of `sources` read in `context`, in order: every partition of every scan, or in a parallel
// task the one partition (of the one scan) it reads.
std::vector<EncodedPiece> PiecesOf(const std::vector<EncodedSource>& sources, const ExecContext& context) {
  std::vector<EncodedPiece> pieces;
  for (size_t source = 0; source < sources.size(); ++source) {
    if (context.only_scan != nullptr && context.only_scan != sources[source].scan) continue;
    if (context.only_partition >= 0) {
      pieces.push_back({source, context.only_partition});
      continue;
    }
    for (int partition = 0; partition < sources[source].scan->relation->data->num_partitions(); ++partition) {
      pieces.push_back({source, partition});
    }
  }
  return pieces;
}

class HashAggregateOperator : public Operator {
 public:
  HashAggregateOperator(const PlanNode& node, ExecContext& context)
      : HashAggregateOperator(node, context, EncodedSources(node)) {}

  // Reads `sources` (EncodedSources(node)) through ScanEncoded, or node's child when there are none.
  HashAggregateOperator(const PlanNode& node, ExecContext& context, std::vector<EncodedSource> sources)
      : HashAggregateOperator(node, context, sources.empty() ? CreateOperator(*node.children[0], context) : nullptr,
                              sources, PiecesOf(sources, context)) {}

  // Aggregates the rows of `child` (a parallel task's share of node's input), or without a child the
  // pieces `encoded_pieces` of the scans `sources`, read through ScanEncoded (EncodedSources(node)).
  HashAggregateOperator(const PlanNode& node, ExecContext& context, std::unique_ptr<Operator> child,
                        std::vector<EncodedSource> sources = {}, std::vector<EncodedPiece> encoded_pieces = {})
      : node_(node), context_(context), child_(std::move(child)), sources_(std::move(sources)),
        encoded_pieces_(std::move(encoded_pieces)), scan_figures_(sources_.size()) {
    for (const auto& call : node.aggregates) {
      offsets_.push_back(state_size_);
      state_size_ += (call.function->state_size + 15) & ~size_t{15};
      accumulators_.emplace_back();
      const bool plain = !call.distinct && !call.filter && call.order_by.empty();
      if (plain && GroupAccumulator::Supports(*call.function, call.args.empty() ? nullptr : &call.args[0]->type)) {
        accumulators_.back().emplace(call.function->dense_kind);
      }
    }
    key_types_.reserve(node.group_keys.size());
    for (const auto& key : node.group_keys) key_types_.push_back(key->type);
    if (key_types_.size() == 1 && DirectGroupIndex::Supports(key_types_[0].id)) direct_.emplace();
  }

  ~HashAggregateOperator() override {
    for (size_t group = 0; group < num_groups_; ++group) {
      for (size_t call = 0; call < node_.aggregates.size(); ++call) {
        const auto* function = node_.aggregates[call].function;
        if (function->destroy != nullptr) function->destroy(State(group, call));
      }
    }
  }

  bool Next(Batch* out) override {
    if (!consumed_) Consume();
    if (emitted_ >= num_groups_) return false;
    const size_t end = std::min(num_groups_, emitted_ + kBatchSize);
    *out = Batch(node_.output_types);
    const size_t count = end - emitted_;
    out->SetSize(count);
    for (size_t key = 0; key < key_types_.size(); ++key) {
      std::vector<sel_t> rows;
      for (size_t group = emitted_; group < end; ++group) rows.push_back(static_cast<sel_t>(group));
      out->columns[key] = group_keys_.columns[key].Gather(rows.data(), rows.size());
    }
    for (size_t call = 0; call < node_.aggregates.size(); ++call) {
      Vector& result = out->columns[key_types_.size() + call];
      for (size_t group = emitted_; group < end; ++group) {
        node_.aggregates[call].function->finalize(State(group, call), result, group - emitted_);
      }
    }
    emitted_ = end;
    return true;
  }

  // Reads the whole input into the group states (Next() does it on its first call).
  void Consume() {
    consumed_ = true;
    group_keys_ = Batch(key_types_);
    distinct_seen_.resize(node_.aggregates.size());
    if (key_types_.empty()) NewGroup();
    Batch input;
    while (NextInput(&input)) {
      context_.CheckCancel();
      AggregateBatch(input);
    }
    for (size_t call = 0; call < node_.aggregates.size(); ++call) {
      if (!accumulators_[call]) continue;
      accumulators_[call]->AbsorbInto(*node_.aggregates[call].function, num_groups_,
                                      [&](size_t group) { return State(group, call); });
    }
    for (size_t call = 0; call < node_.aggregates.size(); ++call) UpdateSortedDistinct(call);
    if (context_.profile) Report(context_.profile->For(node_));
  }

  // Adds how this operator grouped its rows to EXPLAIN ANALYZE's figures.
  void Report(NodeProfile& profile) const {
    profile.rows_grouped_encoded.fetch_add(rows_encoded_, std::memory_order_relaxed);
    if (!sources_.empty()) ReportInput(*node_.children[0]);
    profile.rows_grouped_by_code.fetch_add(rows_by_code_, std::memory_order_relaxed);
    profile.rows_grouped_direct.fetch_add(rows_direct_, std::memory_order_relaxed);
    profile.rows_grouped_hashed.fetch_add(rows_hashed_, std::memory_order_relaxed);
    const uint64_t range = static_cast<uint64_t>(direct_ ? direct_->range() : outgrown_range_);
    uint64_t seen = profile.direct_key_range.load(std::memory_order_relaxed);
    while (range > seen && !profile.direct_key_range.compare_exchange_weak(seen, range)) {
    }
    if (left_direct_) profile.direct_key_overflowed.store(true, std::memory_order_relaxed);
  }

  // Adds the rows of `input` to their groups.
  void AggregateBatch(const Batch& input) {
    group_of_.assign(input.num_rows, 0);
    if (!key_types_.empty()) AssignGroups(input, group_of_);
    for (size_t call = 0; call < node_.aggregates.size(); ++call) {
      if (accumulators_[call]) {
        Accumulate(call, input, group_of_);
      } else {
        UpdateCall(call, input, group_of_);
      }
    }
  }

  // The next batch of input; encoded row groups met on the way are aggregated here.
  bool NextInput(Batch* input) {
    if (child_) return child_->Next(input);
    while (next_piece_ < encoded_pieces_.size()) {
      context_.CheckCancel();
      const EncodedPiece& at = encoded_pieces_[next_piece_];
      const EncodedSource& source = sources_[at.source];
      const PlanNode& scan = *source.scan;
      const storage::ScanFilter* filter = scan.scan_filter.empty() ? nullptr : &scan.scan_filter;
      ScanFigures& figures = scan_figures_[at.source];
      figures.read = true;
      storage::EncodedRows rows;
      const storage::ScanPiece piece = scan.relation->data->ScanEncoded(
          at.partition, position_, source.table_columns, context_.snapshot, input, &rows, filter);
      if (piece == storage::ScanPiece::kEncoded) {
        figures.rows += rows.count;
        AggregateEncoded(source, rows);
      } else if (piece == storage::ScanPiece::kBatch) {
        figures.rows += input->num_rows;
        if (input->num_rows > 0) return true;
      } else {
        ++next_piece_;
        figures.segment_row_groups += position_.segment_row_groups;
        figures.segment_row_groups_skipped += position_.segment_row_groups_skipped;
        position_ = storage::ScanPosition();
      }
    }
    FoldCodes();
    return false;
  }

  // The input below made no operators: the figures of its nodes (the scans, and the projections and
  // UNION ALLs over them) come from here. Returns whether `node` was read, and the rows it passed on.
  std::pair<bool, uint64_t> ReportInput(const PlanNode& node) const {
    bool read = false;
    uint64_t rows = 0;
    const auto source =
        std::find_if(sources_.begin(), sources_.end(), [&](const EncodedSource& s) { return s.scan == &node; });
    if (source != sources_.end()) {
      const ScanFigures& figures = scan_figures_[source - sources_.begin()];
      if (!figures.read) return {false, 0};
      NodeProfile& profile = context_.profile->For(node);
      profile.segment_row_groups.fetch_add(figures.segment_row_groups, std::memory_order_relaxed);
      profile.segment_row_groups_skipped.fetch_add(figures.segment_row_groups_skipped, std::memory_order_relaxed);
      read = true;
      rows = figures.rows;
    } else {
      for (const auto& child : node.children) {
        const auto [child_read, child_rows] = ReportInput(*child);
        read = read || child_read;
        rows += child_rows;
      }
      if (!read) return {false, 0};
    }
    NodeProfile& profile = context_.profile->For(node);
    profile.loops.fetch_add(1, std::memory_order_relaxed);
    profile.rows.fetch_add(rows, std::memory_order_relaxed);
    return {true, rows};
  }

  // Aggregates an encoded row group by its key codes (engine/encoded_aggregate.h), or decoded when its
  // chunks are not ones the encoded path reads. The totals per code stay until FoldCodes: consecutive
  // row groups whose codes mean the same keys (packed with the same reference) add to the same totals.
  void AggregateEncoded(const EncodedSource& source, const storage::EncodedRows& rows) {
    const std::optional<EncodedKeys> keys = EncodedKeysOf(*rows.chunks[node_.group_keys[0]->column]);
    std::vector<const storage::ColumnChunk*> arguments(node_.aggregates.size());
    bool readable = keys.has_value();
    for (size_t call = 0; call < node_.aggregates.size() && readable; ++call) {
      if (node_.aggregates[call].args.empty()) continue;
      arguments[call] = rows.chunks[node_.aggregates[call].args[0]->column];
      readable = ArgumentReadable(*arguments[call]);
    }
    if (!readable) return AggregateDecoded(source, rows);
    if (code_run_ && (keys->dictionary != nullptr || code_run_->reference != keys->reference ||
                      code_run_rows_ + rows.count > kMaxCodeRunRows)) {
      FoldCodes();
    }
    if (!code_run_) code_run_ = *keys;
    code_run_->num_codes = std::max(code_run_->num_codes, keys->num_codes);
    code_run_rows_ += rows.count;
    if (code_rows_.size() < keys->num_codes) code_rows_.resize(keys->num_codes);
    if (by_code_.empty()) {
      for (const AggregateCall& call : node_.aggregates) by_code_.emplace_back(call.function->dense_kind);
    }
    // float8 sums of decimal-float chunks add the chunks' integers (engine/encoded_aggregate.h): the
    // offsets per window, the reference once per code at the end, from the rows the code got meanwhile.
    std::vector<std::optional<DecimalChunk>> decimals(node_.aggregates.size());
    for (size_t call = 0; call < node_.aggregates.size(); ++call) {
      if (arguments[call] == nullptr) continue;
      decimals[call] = DecimalChunkOf(*arguments[call]);
      if (decimals[call] && !by_code_[call].TakeDecimals(*decimals[call], rows.count)) decimals[call].reset();
    }
    if (std::any_of(decimals.begin(), decimals.end(), [](const auto& decimal) { return decimal.has_value(); })) {
      rows_before_.assign(code_rows_.begin(), code_rows_.begin() + static_cast<std::ptrdiff_t>(keys->num_codes));
    }
    EncodedWindows windows(rows, *keys, arguments, decimals);
    while (windows.Next()) {
      simd::GroupedCount32(windows.codes(), windows.selection(), windows.count(), keys->num_codes, code_rows_.data());
      for (size_t call = 0; call < node_.aggregates.size(); ++call) {
        if (arguments[call] == nullptr) continue;
        by_code_[call].UpdateValues(windows.ints(call), windows.doubles(call),
                                    arguments[call]->physical_type() == PhysicalType::kInt64, windows.codes(),
                                    windows.selection(), windows.count(), keys->num_codes);
      }
    }
    for (size_t call = 0; call < node_.aggregates.size(); ++call) {
      if (!decimals[call]) continue;
      by_code_[call].AddDecimalReference(decimals[call]->reference, code_rows_.data(), rows_before_.data(),
                                         keys->num_codes);
    }
    rows_encoded_ += rows.count;
    // A dictionary's codes mean this row group's entries only.
    if (keys->dictionary != nullptr) FoldCodes();
  }

  // Adds the totals per code of the code run to the groups (each code that occurred finds its group
  // once) and ends the run.
  void FoldCodes() {
    if (!code_run_) return;
    const EncodedKeys& keys = *code_run_;
    present_codes_.clear();
    for (uint32_t code = 0; code < keys.num_codes; ++code) {
      if (code_rows_[code] != 0) present_codes_.push_back(code);
    }
    const idx_t present = present_codes_.size();
    Vector key_values(key_types_[0], present);
    for (idx_t index = 0; index < present; ++index) {
      const int64_t key = keys.Key(present_codes_[index]);
      switch (key_values.physical_type()) {
        case PhysicalType::kInt16: key_values.Data<int16_t>()[index] = static_cast<int16_t>(key); break;
        case PhysicalType::kInt32: key_values.Data<int32_t>()[index] = static_cast<int32_t>(key); break;
        default: key_values.Data<int64_t>()[index] = key; break;
      }
    }
    code_groups_.resize(present);
    AssignKeyGroups(key_values, present, code_groups_.data());
    for (size_t call = 0; call < node_.aggregates.size(); ++call) {
      accumulators_[call]->AddCodes(by_code_[call], code_rows_.data(), present_codes_.data(), code_groups_.data(),
                                    present, num_groups_);
    }
    for (uint32_t code : present_codes_) code_rows_[code] = 0;
    code_run_.reset();
    code_run_rows_ = 0;
  }

  // Decodes the rows of an encoded row group a batch at a time and aggregates them as usual.
  void AggregateDecoded(const EncodedSource& source, const storage::EncodedRows& rows) {
    const auto& types = source.scan->relation->data->column_types();
    sel_t window[kBatchSize];
    const auto row_of = [&](idx_t index) { return rows.selection == nullptr ? index : rows.selection[index]; };
    for (idx_t next = 0; next < rows.count;) {
      const idx_t first = row_of(next);
      const idx_t end = std::min<idx_t>(first + kBatchSize, rows.num_rows);
      idx_t taken = 0;
      while (next < rows.count && row_of(next) < end) window[taken++] = static_cast<sel_t>(row_of(next++) - first);
      Batch batch;
      for (size_t column = 0; column < rows.chunks.size(); ++column) {
        Vector decoded(types[source.table_columns[column]]);
        rows.chunks[column]->DecodeRange(first, end - first, &decoded);
        batch.columns.push_back(taken == end - first ? std::move(decoded) : decoded.Gather(window, taken));
      }
      batch.num_rows = taken;
      context_.CheckCancel();
      AggregateBatch(batch);
    }
  }

  // The groups of the `count` keys in `keys` (added when new).
  void AssignKeyGroups(const Vector& keys, idx_t count, uint32_t* group_of) {
    const std::span<const Vector> key_span(&keys, 1);
    if (direct_ && direct_->Assign(keys, 0, count, group_of, [&](idx_t row) { return AddGroup(key_span, row); })) {
      return;
    }
    const std::vector<Vector> key_columns{keys};
    for (idx_t row = 0; row < count; ++row) group_of[row] = FindOrAddGroup(key_columns, row);
  }

  // Finds each row's group (adding new ones): through the direct index while the one integer key fits
  // its window, by dictionary code, else by hashing the key.
  void AssignGroups(const Batch& input, std::vector<uint32_t>& group_of) {
    const idx_t count = input.num_rows;
    if (direct_ && KeyCodes(input) == nullptr) {
      Vector evaluated;
      const Vector& key = Operand(*node_.group_keys[0], input, evaluated);
      const std::span<const Vector> keys(&key, 1);
      if (direct_->Assign(key, 0, count, group_of.data(), [&](idx_t row) { return AddGroup(keys, row); })) {
        rows_direct_ += count;
        return;
      }
    }
    std::vector<Vector> keys;
    for (const auto& key : node_.group_keys) keys.push_back(Evaluate(*key, input, context_));
    if (const DictionaryCodes* codes = KeyCodes(input)) return GroupByCode(*codes, keys, group_of);
    for (idx_t row = 0; row < count; ++row) group_of[row] = FindOrAddGroup(keys, row);
    rows_hashed_ += count;
  }

  // The value of `expr` over `input`: a column of the input as it is (no copy), else evaluated into
  // `scratch`.
  const Vector& Operand(const BoundExpr& expr, const Batch& input, Vector& scratch) {
    if (expr.kind == BoundExprKind::kColumn && expr.depth == 0) return input.columns[expr.column];
    scratch = Evaluate(expr, input, context_);
    return scratch;
  }

  // The group of row `row` of `keys`, added when new.
  uint32_t FindOrAddGroup(const std::vector<Vector>& keys, idx_t row) {
    if (direct_) {
      uint32_t group = 0;
      if (direct_->Assign(keys[0], row, row + 1, &group, [&](idx_t new_row) { return AddGroup(keys, new_row); })) {
        return group;
      }
      LeaveDirect();
    }
    auto [found, inserted] = groups_.try_emplace(RowKey(keys, row), num_groups_);
    if (inserted) AddGroup(keys, row);
    return found->second;
  }

  // Adds a group whose key is row `row` of `keys`; returns its id.
  uint32_t AddGroup(std::span<const Vector> keys, idx_t row) {
    const size_t group = NewGroup();
    for (size_t column = 0; column < keys.size(); ++column) group_keys_.columns[column].AppendRow(keys[column], row);
    ++group_keys_.num_rows;
    return static_cast<uint32_t>(group);
  }

  // Switches from the direct index to hashing (the keys outgrew its window): the groups found so far go
  // into the hash table under their ids.
  void LeaveDirect() {
    for (size_t group = 0; group < num_groups_; ++group) groups_.emplace(RowKey(group_keys_.columns, group), group);
    outgrown_range_ = direct_->range();
    direct_.reset();
    left_direct_ = true;
  }

  // The dictionary codes of the one group key, when it is a column the table scan below read from a
  // dictionary chunk; nullptr otherwise.
  const DictionaryCodes* KeyCodes(const Batch& input) const {
    if (node_.group_keys.size() != 1 || node_.children[0]->kind != PlanKind::kScan) return nullptr;
    const BoundExpr& key = *node_.group_keys[0];
    if (key.kind != BoundExprKind::kColumn || key.depth != 0 || key.column < 0 ||
        static_cast<size_t>(key.column) >= input.dictionary_codes.size()) {
      return nullptr;
    }
    const DictionaryCodes* codes = input.dictionary_codes[key.column].get();
    return codes != nullptr && codes->codes.size() == input.num_rows ? codes : nullptr;
  }

  // Groups the rows by their codes: a code's group is found by value once per dictionary.
  void GroupByCode(const DictionaryCodes& codes, const std::vector<Vector>& keys, std::vector<uint32_t>& group_of) {
    if (codes.id != code_dictionary_) {
      code_dictionary_ = codes.id;
      group_of_code_.assign(codes.size, DirectGroupIndex::kNoGroup);
    }
    for (idx_t row = 0; row < codes.codes.size(); ++row) {
      if (keys[0].IsNull(row)) {
        group_of[row] = FindOrAddGroup(keys, row);
        continue;
      }
      uint32_t& group = group_of_code_[codes.codes[row]];
      if (group == DirectGroupIndex::kNoGroup) group = FindOrAddGroup(keys, row);
      group_of[row] = group;
    }
    rows_by_code_ += codes.codes.size();
  }

  // Adds `other`'s groups (both consumed, same plan node): states of groups both have are combined, new
  // groups are appended in `other`'s order.
  void MergeFrom(HashAggregateOperator& other) {
    for (size_t group = 0; group < other.num_groups_; ++group) {
      const size_t target = key_types_.empty() ? 0 : FindOrAddGroup(other.group_keys_.columns, group);
      for (size_t call = 0; call < node_.aggregates.size(); ++call) {
        node_.aggregates[call].function->combine(State(target, call), other.State(group, call));
      }
    }
  }

 private:
  uint8_t* State(size_t group, size_t call) { return states_[group / kGroupsPerBlock].get() + (group % kGroupsPerBlock) * state_size_ + offsets_[call]; }

  size_t NewGroup() {
    if (num_groups_ % kGroupsPerBlock == 0) {
      states_.push_back(std::make_unique<uint8_t[]>(kGroupsPerBlock * state_size_ + 16));
    }
    const size_t group = num_groups_++;
    for (size_t call = 0; call < node_.aggregates.size(); ++call) node_.aggregates[call].function->initialize(State(group, call));
    return group;
  }

  void Accumulate(size_t call_index, const Batch& input, const std::vector<uint32_t>& group_of) {
    const AggregateCall& call = node_.aggregates[call_index];
    if (call.args.empty()) return accumulators_[call_index]->Update(nullptr, group_of.data(), input.num_rows, num_groups_);
    Vector evaluated;
    const Vector& arg = Operand(*call.args[0], input, evaluated);
    accumulators_[call_index]->Update(&arg, group_of.data(), input.num_rows, num_groups_);
  }

  void UpdateCall(size_t call_index, const Batch& input, const std::vector<uint32_t>& group_of) {
    const AggregateCall& call = node_.aggregates[call_index];
    const idx_t count = input.num_rows;
    std::vector<Vector> args;
    for (const auto& arg : call.args) args.push_back(Evaluate(*arg, input, context_));
    std::vector<uint8_t*> states(count);
    for (idx_t row = 0; row < count; ++row) states[row] = State(group_of[row], call_index);
    if (call.filter) {
      Vector keep = Evaluate(*call.filter, input, context_);
      for (idx_t row = 0; row < count; ++row) {
        if (keep.IsNull(row) || !keep.Data<uint8_t>()[row]) states[row] = nullptr;
      }
    }
    if (call.distinct) {
      auto& seen = distinct_seen_[call_index];
      for (idx_t row = 0; row < count; ++row) {
        if (states[row] == nullptr) continue;
        std::string key = std::to_string(group_of[row]) + ":" + RowKey(args, row);
        if (!seen.insert(std::move(key)).second) states[row] = nullptr;
      }
      if (SortsDistinct(call)) {
        DistinctValues& kept = sorted_distinct_[call_index];
        if (kept.args.empty()) {
          for (const Vector& arg : args) kept.args.emplace_back(arg.type());
        }
        for (idx_t row = 0; row < count; ++row) {
          if (states[row] == nullptr) continue;
          for (size_t arg = 0; arg < args.size(); ++arg) kept.args[arg].AppendRow(args[arg], row);
          kept.groups.push_back(group_of[row]);
        }
        return;
      }
    }
    call.function->update(states.data(), args, count);
  }

  // PostgreSQL finds an aggregate's DISTINCT values by sorting them, so an aggregate whose result shows
  // its input's order (string_agg(DISTINCT x, ',') is 'a,b,c') gets them in ascending order, NULLs last.
  // Such a call keeps its distinct values until the input ends.
  static bool SortsDistinct(const AggregateCall& call) {
    return call.distinct && call.order_by.empty() && AggregateResultShowsOrder(*call.function);
  }

  // Feeds a SortsDistinct call its kept values, sorted within each group.
  void UpdateSortedDistinct(size_t call_index) {
    auto found = sorted_distinct_.find(call_index);
    if (found == sorted_distinct_.end()) return;
    const DistinctValues& kept = found->second;
    const std::vector<Vector>& args = kept.args;
    std::vector<sel_t> order(kept.groups.size());
    for (size_t row = 0; row < order.size(); ++row) order[row] = static_cast<sel_t>(row);
    std::stable_sort(order.begin(), order.end(), [&](sel_t left, sel_t right) {
      if (kept.groups[left] != kept.groups[right]) return kept.groups[left] < kept.groups[right];
      for (const Vector& arg : args) {
        const bool left_null = arg.IsNull(left), right_null = arg.IsNull(right);
        if (left_null || right_null) {
          if (left_null != right_null) return right_null;
          continue;
        }
        if (const int compared = CompareCells(arg, left, arg, right); compared != 0) return compared < 0;
      }
      return false;
    });
    std::vector<Vector> sorted;
    for (const Vector& arg : args) sorted.push_back(arg.Gather(order.data(), order.size()));
    std::vector<uint8_t*> states(order.size());
    for (size_t row = 0; row < order.size(); ++row) states[row] = State(kept.groups[order[row]], call_index);
    node_.aggregates[call_index].function->update(states.data(), sorted, order.size());
  }


  static constexpr size_t kGroupsPerBlock = 1024;

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  // Without a child: the scans' pieces read through ScanEncoded, and where the read stands.
  std::vector<EncodedSource> sources_;
  std::vector<EncodedPiece> encoded_pieces_;
  size_t next_piece_ = 0;
  storage::ScanPosition position_;
  // EXPLAIN ANALYZE of each scan: whether it was read, rows read, segment row groups reached / skipped.
  struct ScanFigures {
    bool read = false;
    uint64_t rows = 0;
    uint64_t segment_row_groups = 0;
    uint64_t segment_row_groups_skipped = 0;
  };
  std::vector<ScanFigures> scan_figures_;
  uint64_t rows_encoded_ = 0;  // rows aggregated by key code
  // Encoded row groups: the keys of the current run of codes (row groups whose codes mean the same keys)
  // and its rows, rows per code, each call's totals per code, the codes that occurred and their groups.
  // A run ends before its counts could pass 32 bits, or its narrow sums 64 (see UpdateValues).
  static constexpr uint64_t kMaxCodeRunRows = uint64_t{1} << 24;
  std::optional<EncodedKeys> code_run_;
  uint64_t code_run_rows_ = 0;
  std::vector<uint32_t> code_rows_;
  std::vector<uint32_t> rows_before_;  // code_rows_ as a row group with decimal sums began
  std::vector<GroupAccumulator> by_code_;
  std::vector<uint32_t> present_codes_;
  std::vector<uint32_t> code_groups_;
  std::vector<uint32_t> group_of_;  // per batch: each row's group
  std::vector<LogicalType> key_types_;
  std::vector<size_t> offsets_;
  size_t state_size_ = 0;
  std::vector<std::unique_ptr<uint8_t[]>> states_;
  std::vector<std::optional<GroupAccumulator>> accumulators_;  // by call; set for the calls updated by group id
  uint64_t code_dictionary_ = 0;        // the dictionary group_of_code_ belongs to (ids start at 1)
  std::vector<uint32_t> group_of_code_;  // its codes' groups, kNoGroup until seen
  std::optional<DirectGroupIndex> direct_;  // while the one integer key's range fits its window
  bool left_direct_ = false;               // the keys outgrew the window
  int64_t outgrown_range_ = 0;             // the window's range when they did
  uint64_t rows_by_code_ = 0;              // EXPLAIN ANALYZE, by way the rows found their groups
  uint64_t rows_direct_ = 0;
  uint64_t rows_hashed_ = 0;
  size_t num_groups_ = 0;
  std::unordered_map<std::string, size_t> groups_;
  Batch group_keys_;
  std::vector<std::unordered_set<std::string>> distinct_seen_;
  struct DistinctValues {
    std::vector<Vector> args;    // a SortsDistinct call's distinct argument rows, as they came
    std::vector<size_t> groups;  // the group of each
  };
  std::unordered_map<size_t, DistinctValues> sorted_distinct_;  // by call
  bool consumed_ = false;
  size_t emitted_ = 0;
};

// Reads its inputs one after another.
class SequenceOperator : public Operator {
 public:
  explicit SequenceOperator(std::vector<std::unique_ptr<Operator>> inputs) : inputs_(std::move(inputs)) {}

  bool Next(Batch* out) override {
    for (; current_ < inputs_.size(); inputs_[current_++].reset()) {
      if (inputs_[current_]->Next(out)) return true;
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<Operator>> inputs_;
  size_t current_ = 0;
};

// Aggregates the pieces of the section below (each partition of its scan, or of each scan of a UNION
// ALL) in tasks (engine/parallel.h) and merges the partial states on the calling thread. A task takes a
// run of adjacent pieces, so merging the tasks in order finds the groups in the serial plan's order, and
// there are a few tasks per thread: enough to even out threads slowed by other work, few enough that
// merging their groups stays cheap (a worker's UNION ALL of 8 shard tables has 32 pieces). Each task owns
// its partial operator and its pieces' contexts; the caller reads them only after ParallelFor returned.
class ParallelHashAggregateOperator : public Operator {
 public:
  ParallelHashAggregateOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context) {
    const std::vector<SectionPiece> pieces = PiecesBelow(node);
    const std::vector<EncodedSource> sources = EncodedSources(node);
    contexts_ = MakePieceContexts(context, pieces, sibling_failed_);
    const size_t tasks = std::min(pieces.size(), kTasksPerThread * static_cast<size_t>(node.parallel_workers));
    for (size_t task = 0; task < tasks; ++task) {
      const size_t begin = pieces.size() * task / tasks;
      const size_t end = pieces.size() * (task + 1) / tasks;
      if (!sources.empty()) {
        std::vector<EncodedPiece> encoded;
        for (size_t piece = begin; piece < end; ++piece) {
          const auto source = std::find_if(sources.begin(), sources.end(),
                                           [&](const EncodedSource& s) { return s.scan == pieces[piece].scan; });
          encoded.push_back({static_cast<size_t>(source - sources.begin()), pieces[piece].partition});
        }
        partials_.push_back(
            std::make_unique<HashAggregateOperator>(node, *contexts_[begin], nullptr, sources, std::move(encoded)));
        continue;
      }
      std::vector<std::unique_ptr<Operator>> inputs;
      for (size_t piece = begin; piece < end; ++piece) inputs.push_back(CreateOperator(*node.children[0], *contexts_[piece]));
      partials_.push_back(std::make_unique<HashAggregateOperator>(
          node, *contexts_[begin], std::make_unique<SequenceOperator>(std::move(inputs))));
    }
  }

  bool Next(Batch* out) override {
    if (!merged_) {
      merged_ = true;
      ParallelFor(context_.database->pool(), node_.parallel_workers, static_cast<int>(partials_.size()),
                  sibling_failed_, [this](int partition) { partials_[partition]->Consume(); });
      for (size_t partition = 1; partition < partials_.size(); ++partition) {
        context_.CheckCancel();
        partials_[0]->MergeFrom(*partials_[partition]);
        partials_[partition].reset();
      }
    }
    return partials_[0]->Next(out);
  }

 private:
  static constexpr size_t kTasksPerThread = 2;

  const PlanNode& node_;
  ExecContext& context_;
  std::atomic<bool> sibling_failed_{false};
  std::vector<std::unique_ptr<ExecContext>> contexts_;
  std::vector<std::unique_ptr<HashAggregateOperator>> partials_;
  bool merged_ = false;
};

}  // namespace

std::unique_ptr<Operator> MakeAggregateOperator(const PlanNode& node, ExecContext& context) {
  if (RunsInParallel(node, context)) return std::make_unique<ParallelHashAggregateOperator>(node, context);
  return std::make_unique<HashAggregateOperator>(node, context);
}

}  // namespace tessera::engine
