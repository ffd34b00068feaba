// SPDX-License-Identifier: Apache-2.0
// Filtered scans of segment files: row group elimination, selection on encoded chunks, late decoding.
#include "storage/segment_scan.h"

#include <algorithm>
#include <atomic>
#include <numeric>

#include "base/check.h"
#include "storage/dictionary_filter.h"

namespace tessera::storage {
namespace {

// Keeps the entries of selection[0, count) that also occur in matches[0, matched); both ascending.
idx_t Intersect(sel_t* selection, idx_t count, const sel_t* matches, idx_t matched) {
  idx_t kept = 0;
  idx_t match = 0;
  for (idx_t index = 0; index < count && match < matched; ++index) {
    while (match < matched && matches[match] < selection[index]) ++match;
    if (match < matched && matches[match] == selection[index]) selection[kept++] = selection[index];
  }
  return kept;
}

// Keeps the selected rows (window rows `first + selection[i]`) whose NULL bit is `want_null`.
idx_t KeepNullness(const ColumnChunk& chunk, bool want_null, idx_t first, sel_t* selection, idx_t count) {
  const uint64_t* nulls = chunk.NullMask();
  idx_t kept = 0;
  for (idx_t index = 0; index < count; ++index) {
    const idx_t row = first + selection[index];
    const bool is_null = ColumnChunk::NullBit(nulls, row);
    selection[kept] = selection[index];
    kept += is_null == want_null;
  }
  return kept;
}

// True when the chunk's values are packed integers SelectPackedIntegerRows compares directly.
bool IsPackedInteger(const ColumnChunk& chunk) {
  const IntegerBody* integers = chunk.integers();
  if (integers == nullptr || chunk.physical_type() == PhysicalType::kDecimal) return false;
  return integers->encoding() == ChunkEncoding::kBitPacked || integers->encoding() == ChunkEncoding::kFrameOfReference;
}

std::atomic<uint64_t> next_dictionary_id{1};

// A selection with fewer than 1 / kSparseDivisor of a window's rows is narrowed row by row.
constexpr idx_t kSparseDivisor = 16;

int64_t IntegerConstant(const ColumnChunk& chunk, const Value& constant) {
  if (chunk.physical_type() == PhysicalType::kBool) return constant.GetBool() ? 1 : 0;
  return constant.GetInt();
}

}  // namespace

SegmentScan::SegmentScan(const SegmentReader& reader, std::vector<int> column_ids, ScanFilter filter,
                         uint64_t first_row, std::shared_ptr<const void> reader_owner)
    : reader_(reader), column_ids_(std::move(column_ids)), filter_(std::move(filter)), first_row_(first_row),
      reader_owner_(std::move(reader_owner)), chunks_(reader.column_types().size()) {
  const size_t num_columns = reader.column_types().size();
  for (int column : column_ids_) TESSERA_CHECK(column >= 0 && static_cast<size_t>(column) < num_columns);
  for (const ScanPredicate& predicate : filter_.predicates) {
    TESSERA_CHECK(predicate.column >= 0 && static_cast<size_t>(predicate.column) < num_columns);
  }
}

Status SegmentScan::Next(Batch* out, std::vector<uint64_t>* row_numbers, bool* done) {
  out->columns.clear();
  for (int column : column_ids_) out->columns.emplace_back(reader_.column_types()[column]);
  out->num_rows = 0;
  if (row_numbers != nullptr) row_numbers->clear();
  std::vector<std::shared_ptr<DictionaryCodes>> codes(column_ids_.size());
  bool first_row_group = true;  // codes hold only while the batch comes from one row group's chunks
  while (out->num_rows < kBatchSize) {
    if (cursor_ < selection_.size()) {
      if (out->num_rows == 0) {
        for (size_t output = 0; output < column_ids_.size(); ++output) {
          const LoadedChunk& loaded = chunks_[column_ids_[output]];
          if (loaded.dictionary_id == 0) continue;
          codes[output] = std::make_shared<DictionaryCodes>();
          codes[output]->id = loaded.dictionary_id;
          codes[output]->size = static_cast<uint32_t>(loaded.chunk.dictionary_size());
        }
      } else if (!first_row_group) {
        std::fill(codes.begin(), codes.end(), nullptr);
      }
      EmitWindow(out, row_numbers, kBatchSize - out->num_rows, codes);
      continue;
    }
    bool found = false;
    if (Status status = AdvanceRowGroup(&found); !status.ok()) return status;
    if (!found) break;
    first_row_group = out->num_rows == 0;
  }
  out->dictionary_codes.assign(codes.begin(), codes.end());
  *done = out->num_rows == 0;
  return Status::Ok();
}

Status SegmentScan::NextRowGroup(EncodedRowGroup* out, bool* done) {
  encoded_ = true;
  bool found = false;
  if (Status status = AdvanceRowGroup(&found); !status.ok()) return status;
  *done = !found;
  if (!found) return Status::Ok();
  const SegmentRowGroup& group = reader_.row_groups()[row_group_];
  out->first_row = group.first_row;
  out->num_rows = group.num_rows;
  out->selection = all_rows_ ? nullptr : &selection_;
  out->chunks.clear();
  for (int column : column_ids_) out->chunks.push_back(&chunks_[column].chunk);
  cursor_ = selection_.size();
  return Status::Ok();
}

bool SegmentScan::RowGroupMayMatch(size_t row_group) const {
  const SegmentRowGroup& group = reader_.row_groups()[row_group];
  for (const ScanPredicate& predicate : filter_.predicates) {
    const PhysicalType type = GetPhysicalType(reader_.column_types()[predicate.column]);
    if (!PredicateMayMatch(type, group.chunks[predicate.column].stats, predicate)) return false;
  }
  return true;
}

Status SegmentScan::AdvanceRowGroup(bool* found) {
  *found = false;
  selection_.clear();
  cursor_ = 0;
  while (next_row_group_ < reader_.row_groups().size()) {
    const size_t row_group = next_row_group_++;
    const SegmentRowGroup& group = reader_.row_groups()[row_group];
    if (group.first_row + group.num_rows <= first_row_) continue;
    ++stats_.row_groups;
    if (!RowGroupMayMatch(row_group)) {
      ++stats_.row_groups_skipped;
      continue;
    }
    row_group_ = row_group;
    for (LoadedChunk& chunk : chunks_) chunk.loaded = false;
    for (const ScanPredicate& predicate : filter_.predicates) {
      if (Status status = LoadChunk(predicate.column); !status.ok()) return status;
    }
    const idx_t num_rows = group.num_rows;
    SelectRows(num_rows);
    if (group.first_row < first_row_) {
      if (all_rows_) {
        all_rows_ = false;
        selection_.resize(num_rows);
        std::iota(selection_.begin(), selection_.end(), sel_t{0});
      }
      const auto skipped = static_cast<sel_t>(first_row_ - group.first_row);
      selection_.erase(selection_.begin(), std::lower_bound(selection_.begin(), selection_.end(), skipped));
    }
    if (filter_.nearest && !encoded_ && !selection_.empty()) {
      if (Status status = SelectNearest(group); !status.ok()) return status;
    }
    const size_t selected = all_rows_ ? num_rows : selection_.size();
    stats_.rows_examined += num_rows;
    stats_.rows_selected += selected;
    if (selected == 0) continue;
    for (int column : column_ids_) {
      if (Status status = LoadChunk(column); !status.ok()) return status;
    }
    *found = true;
    return Status::Ok();
  }
  return Status::Ok();
}

Status SegmentScan::SelectNearest(const SegmentRowGroup& group) {
  const NearestRows& nearest = *filter_.nearest;
  if (Status status = LoadChunk(nearest.column); !status.ok()) return status;
  const ColumnChunk& chunk = chunks_[nearest.column].chunk;
  const std::shared_ptr<const VectorSketch> sketch = reader_.Sketch(row_group_, nearest.column, chunk);
  const auto counts = [&](sel_t row) { return !rows_that_count_ || rows_that_count_(group.first_row + row); };
  selection_.resize(nearest.bound->Narrow(chunk, sketch.get(), selection_.data(), selection_.size(), counts));
  return Status::Ok();
}

Status SegmentScan::LoadChunk(int column) {
  LoadedChunk& loaded = chunks_[column];
  if (loaded.loaded) return Status::Ok();
  if (Status status = reader_.ReadChunk(row_group_, column, &loaded.bytes, &loaded.chunk); !status.ok()) return status;
  loaded.loaded = true;
  loaded.dictionary_id = loaded.chunk.encoding() == ChunkEncoding::kDictionary ? next_dictionary_id.fetch_add(1) : 0;
  ++stats_.chunks_read;
  return Status::Ok();
}

void SegmentScan::SelectRows(idx_t num_rows) {
  // Predicates the chunk statistics do not settle, with their matches on encoded chunks computed once.
  std::vector<const ScanPredicate*> pending;
  std::vector<EncodedMatch> matches;
  for (const ScanPredicate& predicate : filter_.predicates) {
    const ColumnChunk& chunk = chunks_[predicate.column].chunk;
    if (PredicateAlwaysMatches(chunk.physical_type(), chunk.stats(), predicate)) continue;
    pending.push_back(&predicate);
    EncodedMatch& match = matches.emplace_back();
    if (predicate.kind != ScanPredicateKind::kCompare) continue;
    if (chunk.encoding() == ChunkEncoding::kDictionary) {
      match.codes = MatchDictionary(chunk, predicate.op, predicate.constant);
    } else if (chunk.encoding() == ChunkEncoding::kDecimalFloat) {
      match.decimals = MatchDecimalFloat(chunk, predicate.op, predicate.constant.GetDouble());
    }
  }
  all_rows_ = encoded_ && pending.empty();
  if (all_rows_) {
    selection_.clear();
    return;
  }
  selection_.resize(num_rows);
  idx_t selected = 0;
  sel_t window[kBatchSize];
  for (idx_t first = 0; first < num_rows; first += kBatchSize) {
    const idx_t window_rows = std::min<idx_t>(kBatchSize, num_rows - first);
    std::iota(window, window + window_rows, sel_t{0});
    idx_t count = window_rows;
    for (size_t index = 0; index < pending.size() && count > 0; ++index) {
      count = ApplyPredicate(*pending[index], matches[index], first, window_rows, window, count);
    }
    for (idx_t index = 0; index < count; ++index) selection_[selected++] = static_cast<sel_t>(first + window[index]);
  }
  selection_.resize(selected);
}

idx_t SegmentScan::ApplyPredicate(const ScanPredicate& predicate, const EncodedMatch& match, idx_t first,
                                  idx_t window_rows, sel_t* selection, idx_t count) {
  const ColumnChunk& chunk = chunks_[predicate.column].chunk;
  if (predicate.kind != ScanPredicateKind::kCompare) {
    return KeepNullness(chunk, predicate.kind == ScanPredicateKind::kIsNull, first, selection, count);
  }
  const bool on_codes = chunk.encoding() == ChunkEncoding::kDictionary;
  // A few rows left: read their codes or integers one by one rather than unpacking the whole window.
  if (count * kSparseDivisor < window_rows) {
    if (on_codes) return KeepDictionaryMatches(chunk, match.codes, first, selection, count);
    if (match.decimals) return KeepDecimalFloatMatches(chunk, *match.decimals, first, selection, count);
  }
  if (on_codes || IsPackedInteger(chunk) || match.decimals) {
    sel_t matches[kBatchSize];
    idx_t matched;
    if (on_codes) {
      matched = SelectDictionaryMatches(chunk, match.codes, first, window_rows, matches);
    } else if (match.decimals) {
      matched = SelectDecimalFloatRows(chunk, *match.decimals, first, window_rows, matches);
    } else {
      matched = SelectPackedIntegerRows(chunk, predicate.op, IntegerConstant(chunk, predicate.constant), first,
                                        window_rows, matches);
    }
    if (count == window_rows) {
      std::copy(matches, matches + matched, selection);
      return matched;
    }
    return Intersect(selection, count, matches, matched);
  }
  scratch_ = Vector(reader_.column_types()[predicate.column]);
  chunk.DecodeRange(first, window_rows, &scratch_);
  return FilterSelection(scratch_, predicate, selection, count);
}

void SegmentScan::EmitWindow(Batch* out, std::vector<uint64_t>* row_numbers, idx_t room,
                             std::vector<std::shared_ptr<DictionaryCodes>>& codes) {
  const idx_t group_rows = reader_.row_groups()[row_group_].num_rows;
  const sel_t window_first = selection_[cursor_];
  const idx_t window_end = std::min<idx_t>(window_first + kBatchSize, group_rows);
  idx_t taken = 0;
  sel_t rows[kBatchSize];
  while (taken < room && cursor_ + taken < selection_.size() && selection_[cursor_ + taken] < window_end) {
    rows[taken] = selection_[cursor_ + taken] - window_first;
    ++taken;
  }
  const idx_t span = rows[taken - 1] + 1;
  for (size_t output = 0; output < column_ids_.size(); ++output) {
    const int column = column_ids_[output];
    const ColumnChunk& chunk = chunks_[column].chunk;
    if (reader_owner_ && reader_.mapped() && chunk.StringsInPlace()) {
      chunk.AppendStringViews(window_first, span, rows, taken, &out->columns[output]);
      out->columns[output].KeepAlive(reader_owner_);
    } else {
      scratch_ = Vector(reader_.column_types()[column]);
      chunk.DecodeRange(window_first, span, &scratch_);
      if (taken == span) {
        out->columns[output].Append(scratch_);
      } else {
        out->columns[output].Append(scratch_, rows, taken);
      }
    }
    if (codes[output]) {
      uint64_t window_codes[kBatchSize];
      chunks_[column].chunk.dictionary_codes()->Unpack(window_first, span, window_codes);
      for (idx_t index = 0; index < taken; ++index) codes[output]->codes.push_back(static_cast<uint32_t>(window_codes[rows[index]]));
    }
  }
  if (row_numbers != nullptr) {
    const uint64_t group_first = reader_.row_groups()[row_group_].first_row;
    for (idx_t index = 0; index < taken; ++index) row_numbers->push_back(group_first + window_first + rows[index]);
  }
  out->num_rows += taken;
  cursor_ += taken;
}

}  // namespace tessera::storage
