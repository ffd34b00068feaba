// SPDX-License-Identifier: Apache-2.0
// SegmentScan: reads the rows of one segment file (storage/segment_reader.h) that pass a ScanFilter
// (storage/scan_filter.h), as batches of the columns asked for.
//
// Per row group, in order:
//   1. Elimination: the row group is skipped without reading a chunk when the footer's statistics of
//      a predicate's column show that no row can pass (PredicateMayMatch).
//   2. Selection: the chunks of the filtered columns are read, and each predicate is evaluated in
//      windows of kBatchSize rows, on the rows the previous predicates kept: on dictionary codes (the
//      matching codes worked out once per chunk, storage/dictionary_filter.h), on bit-packed /
//      frame-of-reference offsets, on the NULL bitmap for IS [NOT] NULL, or on decoded values for other
//      encodings. When the previous predicates kept few rows of a window, codes are read for those rows
//      only. A predicate that the chunk's statistics show every row passes is not evaluated.
//   3. Output: only when some row passed are the other output columns' chunks read; only the selected
//      rows are decoded, window by window, and gathered into batches of up to kBatchSize rows, each row
//      with its row number in the segment (for delete bitmaps). Strings stored uncompressed in a mapped
//      file are not copied: the output holds views into the mapping (see the constructor). An output column read from a
//      dictionary-encoded chunk also gets its rows' codes (Batch::dictionary_codes) when the whole batch
//      came from that chunk.
//
// Thread safety: a SegmentScan is used by one thread; several may scan one reader at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/vector.h"
#include "storage/column_chunk.h"
#include "storage/dictionary_filter.h"
#include "storage/scan_filter.h"
#include "storage/segment_reader.h"

namespace tessera::storage {

// What a scan did, for tests and EXPLAIN ANALYZE.
// A row group handed over as it is stored (NextRowGroup), for callers that work on encoded chunks.
// Valid until the scan's next call.
struct EncodedRowGroup {
  uint64_t first_row = 0;               // the row group's first row in the segment
  idx_t num_rows = 0;                   // rows of the row group
  const std::vector<sel_t>* selection;  // the rows that passed, ascending; nullptr: every row did
  std::vector<const ColumnChunk*> chunks;  // the chunks of the scan's columns, as column_ids
};

struct SegmentScanStats {
  uint64_t row_groups = 0;          // row groups of the segment reached so far
  uint64_t row_groups_skipped = 0;  // skipped by footer statistics, no chunk read
  uint64_t rows_examined = 0;       // rows of the row groups whose filter was evaluated
  uint64_t rows_selected = 0;       // rows that passed the filter
  uint64_t chunks_read = 0;
};

class SegmentScan {
 public:
  // Scans `reader` (which must outlive the scan) for the columns `column_ids` (segment column
  // indexes, any order, repeats allowed) of the rows from `first_row` on passing `filter`, whose
  // predicates name segment columns. REQUIRES: every column index is in range; each compare constant
  // has its column's physical type.
  //
  // `reader_owner`, when given, owns the reader (a FrozenSegment): string columns whose chunks are
  // stored uncompressed in the reader's mapping are then returned as views into the mapping, with
  // `reader_owner` kept alive by the output vectors (Vector::KeepAlive), instead of as copies.
  SegmentScan(const SegmentReader& reader, std::vector<int> column_ids, ScanFilter filter, uint64_t first_row = 0,
              std::shared_ptr<const void> reader_owner = nullptr);

  // Fills `out` with the next rows that passed (1 to kBatchSize; columns as column_ids) and, when
  // `row_numbers` is not null, their row numbers in the segment, ascending. Sets `*done` and leaves
  // `out` empty at the end. A read or damaged chunk fails with the reader's Status.
  Status Next(Batch* out, std::vector<uint64_t>* row_numbers, bool* done);

  // Instead of Next: the next row group with rows that passed, as its chunks and selection, undecoded.
  // Sets `*done` at the end. A scan is read with Next or with NextRowGroup, never both.
  Status NextRowGroup(EncodedRowGroup* out, bool* done);

  const SegmentScanStats& stats() const { return stats_; }

  // Whether the filter has nearest rows (ScanFilter::nearest), and which rows count toward their
  // threshold: rows (segment row numbers) the scan's caller returns, i.e. visible to its snapshot. Set
  // before Next and cleared after; without it every row counts.
  bool narrows_to_nearest() const { return filter_.nearest.has_value(); }
  void SetRowsThatCount(std::function<bool(uint64_t row)> counts) { rows_that_count_ = std::move(counts); }

 private:
  // A chunk of the current row group, read once, with the bytes it points into.
  struct LoadedChunk {
    std::string bytes;
    ColumnChunk chunk;
    bool loaded = false;
    uint64_t dictionary_id = 0;  // kDictionary chunks: names the dictionary in Batch::dictionary_codes
  };

  // Moves to the next row group with selected rows; false at the end of the segment.
  Status AdvanceRowGroup(bool* found);
  bool RowGroupMayMatch(size_t row_group) const;
  Status LoadChunk(int column);
  // Computes selection_ for the current row group (or sets all_rows_).
  void SelectRows(idx_t num_rows);
  // Narrows selection_ to the rows that may be among the filter's nearest rows.
  Status SelectNearest(const SegmentRowGroup& group);
  // What a comparison matches in its chunk's encoded form, computed once per row group.
  struct EncodedMatch {
    DictionaryMatch codes;                     // dictionary chunks
    std::optional<DecimalFloatRange> decimals;  // decimal-float chunks (not for <>)
  };
  // Narrows selection[0, count) of the window starting at `first` to the rows passing `predicate`.
  idx_t ApplyPredicate(const ScanPredicate& predicate, const EncodedMatch& match, idx_t first, idx_t window_rows,
                       sel_t* selection, idx_t count);
  // Appends up to `room` selected rows from the cursor on, all within one window, to `out`, and their
  // codes to `codes` for the output columns read from dictionary chunks (null entries: none).
  void EmitWindow(Batch* out, std::vector<uint64_t>* row_numbers, idx_t room,
                  std::vector<std::shared_ptr<DictionaryCodes>>& codes);

  const SegmentReader& reader_;
  std::vector<int> column_ids_;
  ScanFilter filter_;
  uint64_t first_row_;
  std::shared_ptr<const void> reader_owner_;
  SegmentScanStats stats_;

  size_t next_row_group_ = 0;
  size_t row_group_ = 0;                 // the current row group, once one is loaded
  std::vector<LoadedChunk> chunks_;      // per segment column, for the current row group
  std::vector<sel_t> selection_;         // rows of the current row group that passed
  bool encoded_ = false;                 // read with NextRowGroup
  bool all_rows_ = false;                // NextRowGroup: every row passed, selection_ is left empty
  size_t cursor_ = 0;                    // next entry of selection_ to emit
  Vector scratch_;                       // a decoded window
  std::function<bool(uint64_t row)> rows_that_count_;
};

}  // namespace tessera::storage
