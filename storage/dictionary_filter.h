// SPDX-License-Identifier: Apache-2.0
// `column <op> constant` on a dictionary chunk's codes, with the matching entries worked out once per
// chunk: as one run of codes [low, high] whenever they are contiguous (always for the sorted dictionaries
// of fixed-width chunks, found by binary search, and for any dictionary whose matches happen to be one
// run), so rows are selected by one or two simd compares of their codes; otherwise as a match flag per
// entry, looked up per row. NULL rows never match; selections are relative to the first row asked for.
#pragma once

#include <cstdint>
#include <vector>

#include "base/value.h"
#include "base/vector.h"
#include "storage/chunk_predicate.h"
#include "storage/column_chunk.h"

namespace tessera::storage {

struct DictionaryMatch {
  bool contiguous = true;       // the matching codes are [low, high] (empty when low > high)
  uint64_t low = 1, high = 0;
  std::vector<uint8_t> entries;  // !contiguous: entries[code] says whether the entry matches
};

// REQUIRES: chunk.encoding() == kDictionary; constant non-NULL, of the chunk's physical type.
DictionaryMatch MatchDictionary(const ColumnChunk& chunk, CompareOp op, const Value& constant);
// Describes per-entry matches (MatchDictionaryEntries) as a DictionaryMatch.
DictionaryMatch DictionaryMatchOf(std::vector<uint8_t> entry_matches);

// Writes to `selection` the non-NULL rows of [first, first + count) whose code matches; returns their
// number. `selection` holds room for `count` entries.
idx_t SelectDictionaryMatches(const ColumnChunk& chunk, const DictionaryMatch& match, idx_t first, idx_t count,
                              sel_t* selection);
// Keeps those of the rows `first + selection[i]` (i < count) whose code matches, reading only their codes
// (for sparse selections); returns their number.
idx_t KeepDictionaryMatches(const ColumnChunk& chunk, const DictionaryMatch& match, idx_t first, sel_t* selection,
                            idx_t count);

}  // namespace tessera::storage
