// SPDX-License-Identifier: Apache-2.0
// Nearest-rows scans: `ORDER BY <distance of a vector column to a constant> LIMIT k` reads the vector
// column of segment row groups through a 4-bit sketch and returns only the rows that may be among the
// first k, so that the top-N above sees a few rows instead of all of them. The answer does not change:
// every row left out has k rows of the scan that sort strictly before it.
//
// The sketch of a row group's vector chunk (built on first use and kept by the segment reader, never
// written to disk): per row, a scale s = max |x_j| / 7, codes h_j = round(x_j / s) in [-7, 7] (4 bits,
// 64 bytes per 128 dimensions), the norm of the quantization residual e = |x - s h| and the norm |x|.
// For a query y with 8-bit codes q (scale t, residual norm r), the integer I = sum h_j q_j
// (simd::SketchDots) bounds the inner product: |x.y - s t I| <= e |y| + (|x| + e) r, by Cauchy-Schwarz on
// the two residuals; the squared L2 distance is |x|^2 + |y|^2 - 2 x.y. Per row group:
//   1. a lower bound lo on every row's sort key from the sketch (simd::SketchDots, SketchBounds);
//   2. exact keys, from the float32 elements, for the rows that may be among the first k: T, the k-th
//      least exact key (plus its rounding) among rows so far that the scan counts (visible to its
//      snapshot), this row group's and earlier ones', rules out a row with lo > T, which has k rows
//      that sort before it. T only comes down, so a row ruled out stays out. Until earlier row groups
//      made T tight, the 2k + 16 rows with the least lo get exact keys first; then one pass in row
//      order computes the rest within T (under one percent of 1M 128-dimension unit vectors: those
//      within the sketch's error of the best). The sketch's upper bounds alone, loose by that error,
//      would leave a tenth of the rows;
//   3. the rows kept are those whose exact key is within the final T.
// Bounds are widened by the float32 rounding of the distance kernels (relative 1.2e-7 per dimension of
// (|x| + |y|)^2), so that a key the engine computes in float32 is inside them, and ties at T are kept.
// NULL rows are always returned (they sort first or last, and never set T). Chunks whose rows have mixed
// dimensions, or elements above 1e16 in magnitude (whose squares could overflow float32 sums), get no
// sketch; neither do queries of another dimension (their rows raise the dimension error above).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/vector.h"
#include "simd/distance/distance_kernels.h"

namespace tessera::storage {

class ColumnChunk;

enum class VectorMetric : uint8_t {
  kInnerProduct,  // sum x_j y_j, as inner_product and (negated) <#>
  kSquaredL2,     // sum (x_j - y_j)^2, whose square root l2_distance and <-> return
};

class VectorSketch {
 public:
  // The sketch of `chunk`'s vectors, or nullptr when the chunk holds no vectors of one dimension count
  // (see above). NULL rows get a zero entry.
  static std::shared_ptr<const VectorSketch> Build(const ColumnChunk& chunk);

  size_t dimensions() const { return dimensions_; }
  size_t blocks() const { return blocks_; }  // 128-dimension blocks per row
  size_t bytes() const;  // memory held
  const uint8_t* codes(size_t row) const;
  // Per row: s, e and |x|.
  const float* scales() const { return scales_.data(); }
  const float* residuals() const { return residuals_.data(); }
  const float* norms() const { return norms_.data(); }

 private:
  size_t dimensions_ = 0;
  size_t blocks_ = 0;
  std::vector<uint8_t> codes_;
  std::vector<float> scales_, residuals_, norms_;
};

class NearestBound;

// What a scan's consumer keeps: the first `limit` rows ordered by the metric between `column` and
// `query` (negated when `negate`), ascending. Set by the engine's top-N on the scan's ScanFilter.
struct NearestRows {
  int column = -1;
  VectorMetric metric = VectorMetric::kInnerProduct;
  bool negate = false;
  std::string query;  // the query vector's payload (float32 elements)
  size_t limit = 0;
  // The threshold of the rows seen so far, shared by the scan's segment scans (one thread).
  std::shared_ptr<NearestBound> bound;
};

// What nearest-rows scans did, for EXPLAIN ANALYZE.
struct NearestFigures {
  uint64_t rows_bounded = 0;   // rows whose key the sketch bounded
  uint64_t rows_computed = 0;  // rows whose exact key was computed
  uint64_t rows_returned = 0;  // non-NULL rows returned
};

class NearestBound {
 public:
  explicit NearestBound(const NearestRows& rows);

  // Narrows the ascending rows selection[0, count) of a row group whose vector chunk is `chunk`, with
  // sketch `sketch` (nullptr: none, nothing is narrowed), to the NULL rows and the rows that may be among
  // the first `limit`. `counts(row)` says whether a row of the group is one the scan's consumer sees
  // (only such rows set the threshold). Returns the new count.
  size_t Narrow(const ColumnChunk& chunk, const VectorSketch* sketch, sel_t* selection, size_t count,
                const std::function<bool(sel_t row)>& counts);

  const NearestFigures& figures() const { return figures_; }

 private:
  // The sort key of a non-NULL row from its exact metric value.
  double Key(double metric) const { return negate_ ? -metric : metric; }
  // The float32 rounding a distance kernel's result may carry, for a row of norm `norm`.
  double Slack(double norm) const;

  VectorMetric metric_;
  bool negate_;
  std::string query_;
  size_t limit_;
  size_t dimensions_ = 0;
  bool usable_ = false;          // the query has a sketchable size and elements
  std::vector<int8_t> codes_;    // the query's 8-bit codes, padded to whole blocks
  double scale_ = 0;             // t
  double residual_ = 0;          // r
  double norm_ = 0;              // |y|
  double relative_slack_ = 0;    // rounding of float32 distances, per (|x| + |y|)^2
  std::vector<double> best_;     // max-heap: the limit_ least exact upper bounds of counted rows so far
  simd::SketchTerms terms_{};    // a row's lower bound from the sketch (simd::SketchBounds)
  std::vector<int32_t> dots_;    // per row group: the rows' code dot products
  std::vector<float> bounds_;    // and their lower bounds
  NearestFigures figures_;
};

}  // namespace tessera::storage
