// SPDX-License-Identifier: Apache-2.0
// Vector sketches and the bounds of nearest-rows scans (storage/vector_sketch.h).
#include "storage/vector_sketch.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/check.h"
#include "base/vector_value.h"
#include "storage/column_chunk.h"
#include "simd/distance/distance.h"

namespace tessera::storage {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Elements above this magnitude could overflow a float32 sum (16000 squared differences of 2e16 stay
// below 6.4e36); vectors or queries with such elements get no bounds.
constexpr double kMaxElement = 1e16;
constexpr int kMaxCode = 7;         // 4-bit row codes in [-7, 7]
constexpr int kMaxQueryCode = 127;  // 8-bit query codes
// Stored norms are rounded to float32 and the residuals' sums to double: widen them by this factor.
constexpr double kRoundingFactor = 1 + 1e-6;

size_t Blocks(size_t dimensions) {
  return (dimensions + simd::kSketchBlockDimensions - 1) / simd::kSketchBlockDimensions;
}

// Pushes `value` into the max-heap `heap` of at most `limit` least values when it is less than its top
// and `counts` holds.
template <typename Counts>
void Offer(std::vector<double>& heap, size_t limit, double value, Counts&& counts) {
  if (heap.size() >= limit && !(value < heap.front())) return;
  if (!counts()) return;
  heap.push_back(value);
  std::push_heap(heap.begin(), heap.end());
  if (heap.size() > limit) {
    std::pop_heap(heap.begin(), heap.end());
    heap.pop_back();
  }
}

}  // namespace

std::shared_ptr<const VectorSketch> VectorSketch::Build(const ColumnChunk& chunk) {
  const StringBody* strings = chunk.strings();
  const size_t num_rows = chunk.num_rows();
  if (strings == nullptr || num_rows == 0) return nullptr;
  std::vector<std::string_view> payloads(num_rows);
  strings->Decode(0, num_rows, payloads.data());
  const uint64_t* nulls = chunk.NullMask();
  size_t payload_size = 0;
  for (size_t row = 0; row < num_rows; ++row) {
    if (ColumnChunk::NullBit(nulls, row)) continue;
    if (payload_size == 0) payload_size = payloads[row].size();
    if (payloads[row].size() != payload_size) return nullptr;
  }
  if (payload_size == 0 || payload_size % sizeof(float) != 0) return nullptr;

  auto sketch = std::make_shared<VectorSketch>();
  sketch->dimensions_ = payload_size / sizeof(float);
  sketch->blocks_ = Blocks(sketch->dimensions_);
  const size_t row_bytes = sketch->blocks_ * simd::kSketchBlockBytes;
  sketch->codes_.assign(num_rows * row_bytes, 0x88);  // every code 0
  sketch->scales_.assign(num_rows, 0);
  sketch->residuals_.assign(num_rows, 0);
  sketch->norms_.assign(num_rows, 0);
  constexpr size_t kHalf = simd::kSketchBlockDimensions / 2;
  for (size_t row = 0; row < num_rows; ++row) {
    if (ColumnChunk::NullBit(nulls, row)) continue;
    const std::string_view payload = payloads[row];
    double largest = 0;
    for (size_t index = 0; index < sketch->dimensions_; ++index) {
      largest = std::max(largest, std::fabs(static_cast<double>(VectorElement(payload, static_cast<int>(index)))));
    }
    if (!(largest <= kMaxElement)) return nullptr;
    const auto scale = static_cast<float>(largest / kMaxCode);
    double residual = 0, norm = 0;
    uint8_t* codes = sketch->codes_.data() + row * row_bytes;
    for (size_t index = 0; index < sketch->dimensions_; ++index) {
      const double element = VectorElement(payload, static_cast<int>(index));
      const long code = scale > 0 ? std::clamp(std::lround(element / scale), long{-kMaxCode}, long{kMaxCode}) : 0;
      const double error = element - static_cast<double>(scale) * static_cast<double>(code);
      residual += error * error;
      norm += element * element;
      const size_t in_block = index % simd::kSketchBlockDimensions;
      uint8_t& byte = codes[index / simd::kSketchBlockDimensions * simd::kSketchBlockBytes + in_block % kHalf];
      const auto nibble = static_cast<uint8_t>(code + 8);
      byte = in_block < kHalf ? static_cast<uint8_t>((byte & 0xF0) | nibble)
                              : static_cast<uint8_t>((byte & 0x0F) | (nibble << 4));
    }
    sketch->scales_[row] = scale;
    sketch->residuals_[row] = std::nextafter(static_cast<float>(std::sqrt(residual) * kRoundingFactor), INFINITY);
    sketch->norms_[row] = static_cast<float>(std::sqrt(norm));
  }
  return sketch;
}

size_t VectorSketch::bytes() const {
  return codes_.size() + (scales_.size() + residuals_.size() + norms_.size()) * sizeof(float);
}

const uint8_t* VectorSketch::codes(size_t row) const {
  return codes_.data() + row * blocks_ * simd::kSketchBlockBytes;
}

NearestBound::NearestBound(const NearestRows& rows)
    : metric_(rows.metric), negate_(rows.negate), query_(rows.query), limit_(rows.limit) {
  if (query_.empty() || query_.size() % sizeof(float) != 0) return;
  dimensions_ = query_.size() / sizeof(float);
  double largest = 0, norm = 0;
  for (size_t index = 0; index < dimensions_; ++index) {
    const double element = VectorElement(query_, static_cast<int>(index));
    largest = std::max(largest, std::fabs(element));
    norm += element * element;
  }
  if (!(largest <= kMaxElement)) return;  // NaN too
  codes_.assign(Blocks(dimensions_) * simd::kSketchBlockDimensions, 0);
  scale_ = largest / kMaxQueryCode;
  double residual = 0;
  for (size_t index = 0; index < dimensions_ && scale_ > 0; ++index) {
    const double element = VectorElement(query_, static_cast<int>(index));
    const long code = std::clamp(std::lround(element / scale_), long{-kMaxQueryCode}, long{kMaxQueryCode});
    codes_[index] = static_cast<int8_t>(code);
    residual += (element - scale_ * static_cast<double>(code)) * (element - scale_ * static_cast<double>(code));
  }
  residual_ = std::sqrt(residual) * kRoundingFactor;
  norm_ = std::sqrt(norm);
  relative_slack_ = 1.2e-7 * static_cast<double>(dimensions_ + 16);
  usable_ = true;

  // A row's bound as the affine form simd::SketchBounds evaluates. With est = t * s * I, the error of the
  // inner product is e (|y| + r) k + |x| r k^2 plus the kernels' rounding, rel (|x| + |y|)^2, where k is
  // kRoundingFactor; the float32 evaluation of the form itself may be off by a few units in the last
  // place of its terms (at most 4 (|x| + |y|)^2), which kFormSlack covers.
  constexpr double kFormSlack = 5e-6;
  const double rel = relative_slack_ + kFormSlack, y2 = norm_ * norm_;
  const double e0 = rel * y2, ee = (norm_ + residual_) * kRoundingFactor;
  const double en = residual_ * kRoundingFactor * kRoundingFactor + 2 * rel * norm_, enn = rel;
  double dot, constant, residual_term, norm_term, norm_squared;
  if (metric_ == VectorMetric::kInnerProduct) {  // key = +-est - error
    dot = negate_ ? -scale_ : scale_;
    constant = -e0, residual_term = -ee, norm_term = -en, norm_squared = -enn;
  } else {  // key = +-(|x|^2 + |y|^2 - 2 est) - 2 error - rel (|x| + |y|)^2
    const double sign = negate_ ? -1 : 1;
    dot = -2 * sign * scale_;
    constant = sign * y2 - 2 * e0 - rel * y2;
    residual_term = -2 * ee;
    norm_term = -2 * en - 2 * rel * norm_;
    norm_squared = sign - 2 * enn - rel;
  }
  terms_ = simd::SketchTerms{static_cast<float>(dot), static_cast<float>(constant), static_cast<float>(residual_term),
                             static_cast<float>(norm_term), static_cast<float>(norm_squared)};
}

double NearestBound::Slack(double norm) const {
  return relative_slack_ * (norm + norm_) * (norm + norm_) + 1e-30;
}

size_t NearestBound::Narrow(const ColumnChunk& chunk, const VectorSketch* sketch, sel_t* selection, size_t count,
                            const std::function<bool(sel_t row)>& counts) {
  if (sketch == nullptr || !usable_ || limit_ == 0 || count == 0 || sketch->dimensions() != dimensions_) return count;
  const uint64_t* nulls = chunk.NullMask();
  const sel_t first = selection[0];
  const size_t span = selection[count - 1] - first + 1;
  dots_.resize(span);
  simd::SketchDots(sketch->codes(first), span, sketch->blocks(), codes_.data(), dots_.data());
  figures_.rows_bounded += count;

  // Lower bounds on every row's key from the sketch, by row - first; NULL rows get -infinity (always
  // returned, never counted).
  bounds_.resize(span);
  simd::SketchBounds(dots_.data(), sketch->scales() + first, sketch->residuals() + first, sketch->norms() + first,
                     span, terms_, bounds_.data());
  float* lows = bounds_.data();
  if (nulls != nullptr) {
    for (size_t index = 0; index < count; ++index) {
      if (ColumnChunk::NullBit(nulls, selection[index])) lows[selection[index] - first] = -INFINITY;
    }
  }

  const StringBody& strings = *chunk.strings();
  double bound = best_.size() < limit_ ? kInfinity : best_.front();
  std::vector<std::pair<size_t, double>> kept_rows;  // (index, exact lower bound; -infinity: NULL)
  // Where row `row`'s elements are: in a plain chunk without NULLs the payloads lie one after another,
  // all of the sketch's one size (a dictionary chunk's rows point into its entries).
  const size_t payload_size = dimensions_ * sizeof(float);
  const char* base = nullptr;
  if (nulls == nullptr && strings.encoding() == ChunkEncoding::kPlain) {
    std::string_view first_payload, last_payload;
    strings.Decode(0, 1, &first_payload);
    strings.Decode(chunk.num_rows() - 1, 1, &last_payload);
    if (last_payload.data() == first_payload.data() + (chunk.num_rows() - 1) * payload_size) base = first_payload.data();
  }
  const auto payload_of = [&](sel_t row) {
    if (base != nullptr) return base + row * payload_size;
    std::string_view payload;
    strings.Decode(row, 1, &payload);
    return payload.data();
  };
  // Row `index` with its exact key, which may lower the threshold T (see the file comment).
  const auto compute = [&](size_t index) {
    const sel_t row = selection[index];
    const char* payload = payload_of(row);
    const float metric = metric_ == VectorMetric::kInnerProduct
                             ? simd::InnerProduct(query_.data(), payload, dimensions_)
                             : simd::SquaredL2(query_.data(), payload, dimensions_);
    ++figures_.rows_computed;
    const double slack = Slack(sketch->norms()[row]);
    const double key = Key(metric);
    if (key - slack > bound) return;
    kept_rows.emplace_back(index, key - slack);
    Offer(best_, limit_, key + slack, [&] { return counts(row); });
    if (best_.size() >= limit_) bound = best_.front();
  };
  // Until earlier row groups made T tight, the rows with the least lower bounds (the likeliest first
  // rows) get exact keys first, and leave the pass below.
  if (best_.size() < limit_) {
    std::vector<std::pair<float, size_t>> likeliest;  // a max-heap of (lower bound, index)
    const size_t probe = 2 * limit_ + 16;
    for (size_t index = 0; index < count; ++index) {
      const float low = lows[selection[index] - first];
      if (low == -INFINITY || (likeliest.size() >= probe && !(low < likeliest.front().first))) continue;
      likeliest.emplace_back(low, index);
      std::push_heap(likeliest.begin(), likeliest.end());
      if (likeliest.size() > probe) {
        std::pop_heap(likeliest.begin(), likeliest.end());
        likeliest.pop_back();
      }
    }
    // Their bounds become +infinity, which no sketch bound is (its elements are finite and bounded),
    // so that the pass below, even while T is infinite, does not count them twice.
    for (const auto& [low, index] : likeliest) {
      compute(index);
      lows[selection[index] - first] = INFINITY;
    }
  }
  // One pass in row order, a block at a time: the rows within T are asked for from memory together
  // (they lie apart), then computed, each checked against T as it stands.
  constexpr size_t kBlock = 1024;
  std::vector<size_t> within;
  for (size_t block = 0; block < count; block += kBlock) {
    within.clear();
    const size_t end = std::min(count, block + kBlock);
    for (size_t index = block; index < end; ++index) {
      const float low = lows[selection[index] - first];
      if (low > bound || low == INFINITY) continue;
      if (low == -INFINITY) {
        kept_rows.emplace_back(index, -kInfinity);
        continue;
      }
      within.push_back(index);
      const char* payload = payload_of(selection[index]);
      for (size_t offset = 0; offset < payload_size; offset += 64) __builtin_prefetch(payload + offset);
    }
    for (size_t index : within) {
      if (lows[selection[index] - first] <= bound) compute(index);
    }
  }
  TESSERA_CHECK(kept_rows.size() <= count);  // every row at most once
  std::sort(kept_rows.begin(), kept_rows.end());
  size_t kept = 0;
  for (const auto& [index, low] : kept_rows) {
    if (low > bound) continue;
    if (low > -kInfinity) ++figures_.rows_returned;
    selection[kept++] = selection[index];
  }
  return kept;
}

}  // namespace tessera::storage
