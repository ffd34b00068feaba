// SPDX-License-Identifier: Apache-2.0
// Which aggregates read encoded row groups, and the windows of codes and argument values they read.
#include "engine/encoded_aggregate.h"

#include <algorithm>

#include "engine/direct_group_index.h"
#include "engine/group_accumulators.h"
#include "engine/plan.h"
#include "simd/bitunpack/bitunpack.h"
#include "storage/column_chunk.h"

namespace tessera::engine {

namespace {

bool IsBareColumn(const BoundExpr& expr) {
  return expr.kind == BoundExprKind::kColumn && expr.depth == 0 && expr.column >= 0;
}

bool IsIntegerChunk(const storage::ColumnChunk& chunk) {
  const PhysicalType type = chunk.physical_type();
  return chunk.integers() != nullptr &&
         (type == PhysicalType::kInt16 || type == PhysicalType::kInt32 || type == PhysicalType::kInt64);
}

// Adds the scans below `node` (an input of the aggregate) to `sources`: `columns[i]` is the column of
// `node`'s output that the aggregate's input column i comes from. False when `node` is not a scan the
// encoded path reads, nor a UNION ALL or bare-column projection of such scans.
bool AddSources(const PlanNode& node, const std::vector<int>& columns, std::vector<EncodedSource>& sources) {
  switch (node.kind) {
    case PlanKind::kScan: {
      if (node.emit_row_ids || !node.relation || !node.relation->data || !node.relation->placement.empty()) {
        return false;
      }
      if (node.predicate != nullptr &&
          !storage::FilterAppliesExactly(node.scan_filter, node.relation->data->column_types())) {
        return false;
      }
      EncodedSource source{&node, {}};
      for (int column : columns) source.table_columns.push_back(node.column_ids[column]);
      sources.push_back(std::move(source));
      return true;
    }
    case PlanKind::kProject: {
      std::vector<int> below;
      for (int column : columns) {
        const BoundExpr& expr = *node.expressions[column];
        if (!IsBareColumn(expr)) return false;
        below.push_back(expr.column);
      }
      return AddSources(*node.children[0], below, sources);
    }
    case PlanKind::kSetOperation:
      if (node.set_operation != SetOperationKind::kUnion || !node.set_all) return false;
      for (const auto& child : node.children) {
        // An arm whose column has another type is converted by the union: not a bare column.
        for (int column : columns) {
          if (child->output_types[column] != node.output_types[column]) return false;
        }
        if (!AddSources(*child, columns, sources)) return false;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<EncodedSource> EncodedSources(const PlanNode& node) {
  if (node.kind != PlanKind::kAggregate || node.group_keys.size() != 1 || node.children.size() != 1) return {};
  const BoundExpr& key = *node.group_keys[0];
  if (!IsBareColumn(key) || !DirectGroupIndex::Supports(key.type.id)) return {};
  for (const AggregateCall& call : node.aggregates) {
    if (call.distinct || call.filter || !call.order_by.empty() || call.args.size() > 1) return {};
    if (!call.args.empty() && !IsBareColumn(*call.args[0])) return {};
    if (!GroupAccumulator::Supports(*call.function, call.args.empty() ? nullptr : &call.args[0]->type)) return {};
  }
  std::vector<int> columns(node.children[0]->output_types.size());
  for (size_t column = 0; column < columns.size(); ++column) columns[column] = static_cast<int>(column);
  std::vector<EncodedSource> sources;
  if (!AddSources(*node.children[0], columns, sources)) return {};
  return sources;
}

int64_t EncodedKeys::Key(uint32_t code) const {
  if (dictionary != nullptr) return dictionary->Get(code);
  return static_cast<int64_t>(static_cast<uint64_t>(reference) + code);
}

std::optional<EncodedKeys> EncodedKeysOf(const storage::ColumnChunk& chunk) {
  if (chunk.NullMask() != nullptr || !IsIntegerChunk(chunk)) return std::nullopt;
  const storage::IntegerBody& body = *chunk.integers();
  EncodedKeys keys;
  switch (body.encoding()) {
    case storage::ChunkEncoding::kBitPacked:
    case storage::ChunkEncoding::kFrameOfReference:
      keys.codes = body.packed().offsets;
      keys.reference = body.packed().reference;
      if (keys.codes.width > 16) return std::nullopt;
      keys.num_codes = size_t{1} << keys.codes.width;
      return keys;
    case storage::ChunkEncoding::kDictionary:
      keys.codes = body.codes();
      keys.num_codes = body.dictionary_size();
      keys.dictionary = &body.dictionary();
      if (keys.codes.width > 32 || keys.num_codes > EncodedKeys::kMaxCodes) return std::nullopt;
      return keys;
    default:
      return std::nullopt;
  }
}

bool ArgumentReadable(const storage::ColumnChunk& chunk) {
  if (chunk.NullMask() != nullptr) return false;
  return IsIntegerChunk(chunk) || (chunk.fixed() != nullptr && chunk.physical_type() == PhysicalType::kFloat64);
}

std::optional<DecimalChunk> DecimalChunkOf(const storage::ColumnChunk& chunk) {
  const storage::FixedBody* fixed = chunk.fixed();
  if (fixed == nullptr || fixed->encoding() != storage::ChunkEncoding::kDecimalFloat) return std::nullopt;
  const storage::ForInts& decimals = fixed->decimals();
  DecimalChunk decimal;
  decimal.scale = fixed->decimal_scale();
  decimal.divisor = fixed->decimal_divisor();
  decimal.reference = decimals.reference;
  // Decimal floats are below 2^51 in magnitude (storage::FixedBody::DecimalScale), and so are offsets.
  const uint64_t span = decimals.offsets.width >= 52 ? uint64_t{1} << 52 : uint64_t{1} << decimals.offsets.width;
  const uint64_t magnitude = decimal.reference < 0 ? -static_cast<uint64_t>(decimal.reference)
                                                   : static_cast<uint64_t>(decimal.reference);
  decimal.largest = magnitude + span;
  return decimal;
}

EncodedWindows::EncodedWindows(const storage::EncodedRows& rows, const EncodedKeys& keys,
                               std::vector<const storage::ColumnChunk*> arguments,
                               const std::vector<std::optional<DecimalChunk>>& decimals)
    : rows_(rows), keys_(keys), arguments_(std::move(arguments)), offsets_(arguments_.size(), false),
      codes_(kWindowRows), ints_(arguments_.size()), doubles_(arguments_.size()) {
  for (size_t index = 0; index < decimals.size(); ++index) offsets_[index] = decimals[index].has_value();
  for (size_t index = 0; index < arguments_.size(); ++index) {
    if (arguments_[index] == nullptr) continue;
    if (arguments_[index]->integers() != nullptr || offsets_[index]) {
      ints_[index].resize(kWindowRows);
    } else {
      doubles_[index].resize(kWindowRows);
    }
  }
}

bool EncodedWindows::Next() {
  if (next_selected_ >= rows_.count) return false;
  const sel_t* selected = rows_.selection;
  const idx_t first = selected == nullptr ? next_selected_ : selected[next_selected_];
  const idx_t end = std::min<idx_t>(first + kWindowRows, rows_.num_rows);
  const idx_t stop = selected == nullptr ? end
                                         : static_cast<idx_t>(std::lower_bound(selected + next_selected_, selected + rows_.count,
                                                                               static_cast<sel_t>(end)) - selected);
  count_ = stop - next_selected_;
  all_ = count_ == end - first;
  if (!all_) {
    selection_.resize(count_);
    for (idx_t index = 0; index < count_; ++index) selection_[index] = selected[next_selected_ + index] - first;
  }
  next_selected_ = stop;
  // The whole window is unpacked and decoded: a selection from a filter is mostly runs of rows.
  const idx_t window = end - first;
  // The next window's bytes are asked for before this one is read (see storage::PrefetchBytes).
  keys_.codes.Prefetch(end, kWindowRows);
  simd::BitUnpack32(keys_.codes.words, first, window, keys_.codes.width, codes_.data());
  for (size_t index = 0; index < arguments_.size(); ++index) {
    const storage::ColumnChunk* chunk = arguments_[index];
    if (chunk == nullptr) continue;
    if (offsets_[index]) {
      const storage::PackedInts& offsets = chunk->fixed()->decimals().offsets;
      offsets.Prefetch(end, kWindowRows);
      offsets.Unpack(first, window, reinterpret_cast<uint64_t*>(ints_[index].data()));
    } else if (chunk->integers() != nullptr) {
      chunk->integers()->Prefetch(end, kWindowRows);
      chunk->integers()->Decode(first, window, ints_[index].data());
    } else {
      chunk->fixed()->Prefetch(end, kWindowRows);
      chunk->fixed()->Decode(first, window, reinterpret_cast<char*>(doubles_[index].data()));
    }
  }
  return true;
}

}  // namespace tessera::engine
