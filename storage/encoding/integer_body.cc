// SPDX-License-Identifier: Apache-2.0
// IntegerBody: choosing, writing, validating and decoding integer chunk bodies.
#include "storage/encoding/integer_body.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <unordered_set>
#include <vector>

#include "base/check.h"

namespace tessera::storage {
namespace {

// Distinct values beyond this many make the dictionary a poor choice; counting stops there.
constexpr size_t kMaxDictionaryEntries = 1 << 16;

uint64_t Wrap(int64_t value) { return static_cast<uint64_t>(value); }

// The deltas of a delta body: offsets from the smallest delta, divided by their common factor.
struct DeltaPlan {
  int64_t min_delta = 0;
  uint64_t factor = 1;
  std::vector<uint64_t> offsets;  // count - 1 entries, already divided by factor
};

DeltaPlan PlanDelta(const int64_t* values, size_t count) {
  DeltaPlan plan;
  if (count < 2) return plan;
  plan.offsets.resize(count - 1);
  plan.min_delta = std::numeric_limits<int64_t>::max();
  for (size_t row = 1; row < count; ++row) {
    plan.offsets[row - 1] = Wrap(values[row]) - Wrap(values[row - 1]);
    plan.min_delta = std::min(plan.min_delta, static_cast<int64_t>(plan.offsets[row - 1]));
  }
  uint64_t factor = 0;
  for (auto& offset : plan.offsets) {
    offset -= Wrap(plan.min_delta);
    factor = std::gcd(factor, offset);
  }
  plan.factor = factor == 0 ? 1 : factor;
  for (auto& offset : plan.offsets) offset /= plan.factor;
  return plan;
}

size_t NumCheckpoints(size_t count) { return (count + kDeltaCheckpointRows - 1) / kDeltaCheckpointRows; }

size_t DeltaSize(const DeltaPlan& plan, size_t count) {
  uint64_t max_offset = 0;
  for (uint64_t offset : plan.offsets) max_offset = std::max(max_offset, offset);
  return 16 + NumCheckpoints(count) * 8 + PackedSize(max_offset, plan.offsets.size());
}

// Returns the sorted distinct values, or an empty vector when there are more than `cap`.
std::vector<int64_t> DistinctValues(const int64_t* values, size_t count, size_t cap) {
  std::unordered_set<int64_t> seen;
  for (size_t row = 0; row < count; ++row) {
    if (seen.insert(values[row]).second && seen.size() > cap) return {};
  }
  std::vector<int64_t> distinct(seen.begin(), seen.end());
  std::sort(distinct.begin(), distinct.end());
  return distinct;
}

void WritePlain(const int64_t* values, size_t count, int plain_width, ByteWriter* writer) {
  for (size_t row = 0; row < count; ++row) writer->PutBytes(&values[row], plain_width);  // little-endian low bytes
}

void WriteRunLength(const int64_t* values, size_t count, ByteWriter* writer) {
  std::vector<int64_t> run_values;
  std::vector<uint64_t> run_ends;
  for (size_t row = 0; row < count; ++row) {
    if (row == 0 || values[row] != values[row - 1]) {
      if (row != 0) run_ends.push_back(row);
      run_values.push_back(values[row]);
    }
  }
  run_ends.push_back(count);
  writer->Put<uint32_t>(static_cast<uint32_t>(run_values.size()));
  WriteFor(run_values.data(), run_values.size(), writer);
  WritePacked(run_ends.data(), run_ends.size(), writer);
}

void WriteDelta(const int64_t* values, size_t count, ByteWriter* writer) {
  DeltaPlan plan = PlanDelta(values, count);
  writer->Put<uint64_t>(plan.factor);
  writer->Put<int64_t>(plan.min_delta);
  for (size_t row = 0; row < count; row += kDeltaCheckpointRows) writer->Put<int64_t>(values[row]);
  WritePacked(plan.offsets.data(), plan.offsets.size(), writer);
}

void WriteDictionary(const int64_t* values, size_t count, ByteWriter* writer) {
  std::vector<int64_t> distinct = DistinctValues(values, count, count);
  std::vector<uint64_t> codes(count);
  for (size_t row = 0; row < count; ++row) {
    codes[row] = std::lower_bound(distinct.begin(), distinct.end(), values[row]) - distinct.begin();
  }
  writer->Put<uint32_t>(static_cast<uint32_t>(distinct.size()));
  WriteFor(distinct.data(), distinct.size(), writer);
  WritePacked(codes.data(), count, writer);
}

}  // namespace

ChunkEncoding IntegerBody::Choose(const int64_t* values, size_t count, int plain_width) {
  if (count == 0) return ChunkEncoding::kPlain;
  int64_t min = values[0];
  int64_t max = values[0];
  size_t runs = 1;
  for (size_t row = 1; row < count; ++row) {
    min = std::min(min, values[row]);
    max = std::max(max, values[row]);
    runs += values[row] != values[row - 1];
  }
  if (runs == 1) return ChunkEncoding::kRunLength;

  struct Candidate {
    ChunkEncoding encoding;
    size_t size;
  };
  constexpr size_t kNotApplicable = std::numeric_limits<size_t>::max();
  std::vector<int64_t> distinct = DistinctValues(values, count, kMaxDictionaryEntries);
  // In order of preference on equal sizes: the simplest to scan first.
  const Candidate candidates[] = {
      {ChunkEncoding::kBitPacked, min >= 0 ? PackedSize(Wrap(max), count) : kNotApplicable},
      {ChunkEncoding::kFrameOfReference, ForSize(min, max, count)},
      {ChunkEncoding::kDelta, DeltaSize(PlanDelta(values, count), count)},
      {ChunkEncoding::kRunLength, 4 + ForSize(min, max, runs) + PackedSize(count, runs)},
      {ChunkEncoding::kDictionary,
       distinct.empty() ? kNotApplicable
                        : 4 + ForSize(min, max, distinct.size()) + PackedSize(distinct.size() - 1, count)},
      {ChunkEncoding::kPlain, count * static_cast<size_t>(plain_width)},
  };
  Candidate best = candidates[0];
  for (const Candidate& candidate : candidates) {
    if (candidate.size < best.size) best = candidate;
  }
  return best.encoding;
}

void IntegerBody::Write(ChunkEncoding encoding, const int64_t* values, size_t count, int plain_width,
                        ByteWriter* writer) {
  switch (encoding) {
    case ChunkEncoding::kPlain:
      return WritePlain(values, count, plain_width, writer);
    case ChunkEncoding::kBitPacked:
      return WritePacked(reinterpret_cast<const uint64_t*>(values), count, writer);
    case ChunkEncoding::kFrameOfReference:
      return WriteFor(values, count, writer);
    case ChunkEncoding::kRunLength:
      return WriteRunLength(values, count, writer);
    case ChunkEncoding::kDelta:
      return WriteDelta(values, count, writer);
    case ChunkEncoding::kDictionary:
      return WriteDictionary(values, count, writer);
    case ChunkEncoding::kDecimalFloat:
      TESSERA_CHECK(false && "decimal float is a float8 encoding (FixedBody)");
  }
}

bool IntegerBody::Read(ChunkEncoding encoding, size_t count, int plain_width, ByteReader* reader, bool check_codes) {
  encoding_ = encoding;
  count_ = count;
  plain_width_ = plain_width;
  switch (encoding) {
    case ChunkEncoding::kPlain: {
      std::string_view bytes;
      if (!reader->GetBytes(count * plain_width, &bytes)) return false;
      plain_ = bytes.data();
      return true;
    }
    case ChunkEncoding::kBitPacked:
      packed_.reference = 0;
      return ReadPacked(reader, count, &packed_.offsets);
    case ChunkEncoding::kFrameOfReference:
      return ReadFor(reader, count, &packed_);
    case ChunkEncoding::kRunLength:
      return ReadRunLength(count, reader);
    case ChunkEncoding::kDelta:
      return ReadDelta(count, reader);
    case ChunkEncoding::kDictionary:
      return ReadDictionary(count, reader, check_codes);
    case ChunkEncoding::kDecimalFloat:
      return false;  // a float8 encoding (FixedBody): malformed on an integer chunk
  }
  return false;
}

bool IntegerBody::ReadRunLength(size_t count, ByteReader* reader) {
  uint32_t runs;
  if (!reader->Get(&runs) || runs > count || (runs == 0) != (count == 0)) return false;
  dictionary_size_ = runs;
  if (!ReadFor(reader, runs, &packed_) || !ReadPacked(reader, runs, &codes_)) return false;
  // Run ends must rise strictly and end at the last row, so a binary search always lands in a run.
  uint64_t previous_end = 0;
  for (size_t run = 0; run < runs; ++run) {
    const uint64_t end = codes_.Get(run);
    if (end <= previous_end) return false;
    previous_end = end;
  }
  return previous_end == count;
}

bool IntegerBody::ReadDelta(size_t count, ByteReader* reader) {
  if (count == 0 || !reader->Get(&delta_factor_) || !reader->Get(&min_delta_)) return false;
  std::string_view checkpoints;
  if (!reader->GetBytes(NumCheckpoints(count) * 8, &checkpoints)) return false;
  checkpoints_ = checkpoints.data();
  return ReadPacked(reader, count - 1, &codes_);
}

bool IntegerBody::ReadDictionary(size_t count, ByteReader* reader, bool check_codes) {
  uint32_t entries;
  if (!reader->Get(&entries) || entries > count || (entries == 0) != (count == 0)) return false;
  dictionary_size_ = entries;
  return ReadFor(reader, entries, &packed_) && ReadPacked(reader, count, &codes_) &&
         (!check_codes || AllBelow(codes_, entries));
}

void IntegerBody::Decode(size_t first, size_t count, int64_t* out) const {
  switch (encoding_) {
    case ChunkEncoding::kPlain:
      return DecodePlain(first, count, out);
    case ChunkEncoding::kBitPacked:
    case ChunkEncoding::kFrameOfReference:
      return packed_.Decode(first, count, out);
    case ChunkEncoding::kRunLength:
      return DecodeRunLength(first, count, out);
    case ChunkEncoding::kDelta:
      return DecodeDelta(first, count, out);
    case ChunkEncoding::kDictionary:
      return DecodeDictionary(first, count, out);
    case ChunkEncoding::kDecimalFloat:
      TESSERA_CHECK(false && "Read rejects decimal float on an integer chunk");
  }
}

void IntegerBody::Prefetch(size_t first, size_t count) const {
  switch (encoding_) {
    case ChunkEncoding::kPlain:
      return PrefetchRows(plain_, static_cast<size_t>(plain_width_), count_, first, count);
    case ChunkEncoding::kBitPacked:
    case ChunkEncoding::kFrameOfReference:
      return packed_.offsets.Prefetch(first, count);
    case ChunkEncoding::kDictionary:
      return codes_.Prefetch(first, count);
    default:
      return;
  }
}

void IntegerBody::DecodePlain(size_t first, size_t count, int64_t* out) const {
  const char* values = plain_ + first * plain_width_;
  for (size_t row = 0; row < count; ++row, values += plain_width_) {
    switch (plain_width_) {
      case 1: out[row] = static_cast<uint8_t>(*values); break;
      case 2: { int16_t value; std::memcpy(&value, values, 2); out[row] = value; break; }
      case 4: { int32_t value; std::memcpy(&value, values, 4); out[row] = value; break; }
      default: std::memcpy(&out[row], values, 8); break;
    }
  }
}

void IntegerBody::DecodeRunLength(size_t first, size_t count, int64_t* out) const {
  // Finds the first run whose end lies past `first`.
  size_t low = 0;
  size_t high = dictionary_size_ - 1;
  while (low < high) {
    const size_t middle = (low + high) / 2;
    if (codes_.Get(middle) > first) high = middle; else low = middle + 1;
  }
  size_t run = low;
  uint64_t run_end = codes_.Get(run);
  int64_t value = packed_.Get(run);
  for (size_t row = 0; row < count; ++row) {
    if (first + row >= run_end) {
      ++run;
      run_end = codes_.Get(run);
      value = packed_.Get(run);
    }
    out[row] = value;
  }
}

void IntegerBody::DecodeDelta(size_t first, size_t count, int64_t* out) const {
  if (count == 0) return;
  const size_t block_start = first / kDeltaCheckpointRows * kDeltaCheckpointRows;
  int64_t checkpoint;
  std::memcpy(&checkpoint, checkpoints_ + first / kDeltaCheckpointRows * 8, 8);
  // Offset k is the step from row k to row k + 1.
  std::vector<uint64_t> offsets(first + count - 1 - block_start);
  codes_.Unpack(block_start, offsets.size(), offsets.data());
  uint64_t value = Wrap(checkpoint);
  const uint64_t min_delta = Wrap(min_delta_);
  for (size_t row = block_start; row < first; ++row) value += min_delta + offsets[row - block_start] * delta_factor_;
  out[0] = static_cast<int64_t>(value);
  for (size_t row = first + 1; row < first + count; ++row) {
    value += min_delta + offsets[row - 1 - block_start] * delta_factor_;
    out[row - first] = static_cast<int64_t>(value);
  }
}

void IntegerBody::DecodeDictionary(size_t first, size_t count, int64_t* out) const {
  std::vector<uint64_t> codes(count);
  codes_.Unpack(first, count, codes.data());
  for (size_t row = 0; row < count; ++row) out[row] = packed_.Get(codes[row]);
}

}  // namespace tessera::storage
