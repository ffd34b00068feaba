// SPDX-License-Identifier: Apache-2.0
// Grouped aggregation on encoded chunks: a hash aggregate grouped by one integer column of the table scan
// right below it (or of each scan of a UNION ALL below it, as a worker's partial aggregate over its shard
// tables) reads the scans' frozen row groups undecoded (storage::TableData::ScanEncoded) and aggregates
// each by the key's packed codes, with no Batch in between:
//   1. per window of rows, the key codes are unpacked into uint32 (simd BitUnpack32) and the arguments
//      decoded into int64 / double arrays, while the next window's bytes are prefetched;
//   2. the simd grouped kernels add each row into accumulators indexed by code (a 32-bit count per code,
//      and per call a sum, min or max per code);
//   3. at the end of a run of row groups whose codes mean the same keys (bit-packed or frame-of-reference
//      with the same reference, up to 2^24 rows; a dictionary's row group alone) and at the end of the
//      input, each code that occurred finds its group once (the aggregate's direct index, or its hash
//      table), and the code totals are added into the groups' accumulators.
// A key chunk qualifies when it is bit-packed, frame-of-reference or dictionary encoded with at most
// kMaxCodes codes and no NULLs, and the argument chunks hold no NULLs; other row groups, the in-memory
// delta and rows of segments the scan starts in the middle of come as batches, aggregated as usual.
//
// Float8 sums of decimal-float chunks (storage/FORMAT.md: integers / 10^scale, as prices are stored) add
// the chunks' integers per code exactly, in int64, and divide a code's total once when its run ends;
// other float8 sums add a run's rows per code in row order. Either way a code's sum then goes to its
// group's, so a group's sum may differ in its last digits from one running sum over the rows (as
// PostgreSQL's parallel aggregates do); integer results are exact.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/vector.h"
#include "storage/encoding/packed_ints.h"
#include "storage/table_data.h"

namespace tessera::storage {
class ColumnChunk;
}  // namespace tessera::storage

namespace tessera::engine {

struct PlanNode;

// A table scan an encoded aggregate reads, and which of its table's columns make the aggregate's input:
// input column i is table column table_columns[i].
struct EncodedSource {
  const PlanNode* scan = nullptr;
  std::vector<int> table_columns;
};

// The scans `node` (a kAggregate) reads through ScanEncoded, in the order its input reads them, or none
// when it reads its child's batches. It reads encoded with one group key, a bare int2 / int4 / int8 /
// date column, and only count, sum, avg, min and max calls over bare columns that the direct-indexed
// accumulators take (no DISTINCT, FILTER or ORDER BY), over an input that is a kScan of a local table
// whose WHERE, if any, storage applies exactly, or a UNION ALL of such scans, each under projections of
// bare columns of the same types.
std::vector<EncodedSource> EncodedSources(const PlanNode& node);
inline bool AggregatesEncoded(const PlanNode& node) { return !EncodedSources(node).empty(); }

// The group keys of an encoded row group as codes.
struct EncodedKeys {
  static constexpr size_t kMaxCodes = size_t{1} << 16;

  storage::PackedInts codes;  // the row group's packed codes
  size_t num_codes = 0;  // every code is below it
  int64_t reference = 0;  // bit-packed / frame of reference: the key of code c is reference + c
  const storage::ForInts* dictionary = nullptr;  // dictionary: the key of code c is entry c

  int64_t Key(uint32_t code) const;
};

// The codes of `chunk` when it is a key chunk the encoded path reads (see above), else nullopt.
std::optional<EncodedKeys> EncodedKeysOf(const storage::ColumnChunk& chunk);

// Whether the encoded path can read `chunk` as an aggregate argument: an integer or float8 chunk without
// NULLs.
bool ArgumentReadable(const storage::ColumnChunk& chunk);

// A decimal-float chunk's values as integers: value i is (reference + offset i) / 10^scale.
struct DecimalChunk {
  int scale = 0;
  double divisor = 1;  // 10^scale
  int64_t reference = 0;
  uint64_t largest = 0;  // bounds |reference + offset| and every offset
};
// The integers of `chunk` when it is a decimal-float float8 chunk, else nullopt.
std::optional<DecimalChunk> DecimalChunkOf(const storage::ColumnChunk& chunk);

// Reads an encoded row group in windows of up to kWindowRows rows: the key codes of every row of the
// window, the selected rows (window positions), and each argument chunk's values.
class EncodedWindows {
 public:
  static constexpr idx_t kWindowRows = 4096;

  // `arguments`: chunks read with ArgumentReadable true (nullptr entries are skipped); those with a
  // `decimals` entry (DecimalChunkOf) are read as their offsets, in ints(). The row group, its chunks
  // and `keys` must outlive this object.
  EncodedWindows(const storage::EncodedRows& rows, const EncodedKeys& keys,
                 std::vector<const storage::ColumnChunk*> arguments,
                 const std::vector<std::optional<DecimalChunk>>& decimals = {});

  // Moves to the next window with selected rows; false at the end.
  bool Next();

  const uint32_t* codes() const { return codes_.data(); }
  // nullptr when every row of the window is selected.
  const uint32_t* selection() const { return all_ ? nullptr : selection_.data(); }
  size_t count() const { return count_; }
  // Argument `index`'s values in the window: int64 for integer chunks and decimal offsets (nullptr
  // otherwise), double for other float8 chunks.
  const int64_t* ints(size_t index) const { return ints_[index].empty() ? nullptr : ints_[index].data(); }
  const double* doubles(size_t index) const { return doubles_[index].empty() ? nullptr : doubles_[index].data(); }

 private:
  const storage::EncodedRows& rows_;
  const EncodedKeys& keys_;
  std::vector<const storage::ColumnChunk*> arguments_;
  std::vector<bool> offsets_;  // read as decimal offsets
  idx_t next_selected_ = 0;  // the first entry of rows_.selection not yet read
  std::vector<uint32_t> codes_;
  std::vector<uint32_t> selection_;
  bool all_ = false;
  size_t count_ = 0;
  std::vector<std::vector<int64_t>> ints_;
  std::vector<std::vector<double>> doubles_;
};

}  // namespace tessera::engine
