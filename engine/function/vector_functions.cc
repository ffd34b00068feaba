// SPDX-License-Identifier: Apache-2.0
// The vector type's functions, operators and casts (pgvector's, plus MemSQL's DOT_PRODUCT and
// EUCLIDEAN_DISTANCE): distances return double precision computed from float32 sums (vector_math.h);
// two vectors of different dimensions are a 22000 error. A batch against one query vector (a constant, as
// in `ORDER BY v <-> '[...]'`) runs through the many-rows distance kernels. Text input and output are in
// cast_text.cc.
#include <algorithm>
#include <cmath>

#include "base/text_format.h"
#include "base/vector_value.h"
#include "engine/function/array_text.h"
#include "engine/function/cast_kernels.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/vector_math.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

namespace {

constexpr LogicalType kVectorType{TypeId::kVector};

// pgvector's CheckDims. Returns the common dimension count.
size_t CheckSameDimensions(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    throw SqlError(SqlState::kDataException, "different vector dimensions " + std::to_string(VectorDimensions(a)) +
                                                 " and " + std::to_string(VectorDimensions(b)));
  }
  return static_cast<size_t>(VectorDimensions(a));
}

// The distance functions: the float32 sums of vector_math.h, finished in double precision.
enum class Distance { kL2, kInnerProduct, kNegativeInnerProduct, kCosine };

double FromSum(Distance distance, float sum) {
  if (distance == Distance::kL2) return std::sqrt(static_cast<double>(sum));
  return distance == Distance::kNegativeInnerProduct ? -static_cast<double>(sum) : static_cast<double>(sum);
}

// 1 - a.b / sqrt(|a|^2 |b|^2), the similarity clamped to [-1, 1]; NaN when either vector is zero.
double FromCosineSums(const vector_math::CosineSums& sums) {
  double similarity = static_cast<double>(sums.dot) /
                      std::sqrt(static_cast<double>(sums.norm_a) * static_cast<double>(sums.norm_b));
  if (similarity > 1) similarity = 1;
  if (similarity < -1) similarity = -1;
  return 1 - similarity;
}

double PairDistance(Distance distance, std::string_view a, std::string_view b) {
  const size_t dimensions = CheckSameDimensions(a, b);
  switch (distance) {
    case Distance::kL2:
      return FromSum(distance, vector_math::SquaredL2Distance(a.data(), b.data(), dimensions));
    case Distance::kInnerProduct:
    case Distance::kNegativeInnerProduct:
      return FromSum(distance, vector_math::InnerProduct(a.data(), b.data(), dimensions));
    case Distance::kCosine:
      return FromCosineSums(vector_math::CosineParts(a.data(), b.data(), dimensions));
  }
  return 0;
}

// Returns which argument (1, then 0) holds the same non-NULL payload on every row, as a constant query
// vector does, or -1.
int SharedArgument(const std::vector<Vector>& args, idx_t count) {
  if (count < 2) return -1;
  for (int side : {1, 0}) {
    if (args[side].MayHaveNulls()) continue;
    const std::string_view* values = args[side].Data<std::string_view>();
    bool shared = true;
    for (idx_t row = 1; row < count && shared; ++row) {
      shared = values[row].data() == values[0].data() && values[row].size() == values[0].size();
    }
    if (shared) return side;
  }
  return -1;
}

// The distances of a batch whose argument `shared` is one query vector: the other argument's non-NULL
// rows go through the many-rows kernels at once. Dimension mismatches raise 22000 at the first such row,
// naming the dimensions in argument order, as the per-row path does.
void DistancesToQuery(Distance distance, const std::vector<Vector>& args, int shared, idx_t count, Vector& result) {
  const std::string_view query = args[shared].GetString(0);
  const Vector& others = args[1 - shared];
  const std::string_view* values = others.Data<std::string_view>();
  std::vector<const char*> rows(count);
  std::vector<idx_t> positions(count);
  size_t kept = 0;
  for (idx_t row = 0; row < count; ++row) {
    if (others.IsNull(row)) {
      result.SetNull(row, true);
      continue;
    }
    if (values[row].size() != query.size()) {  // raises 22000
      if (shared == 1) {
        CheckSameDimensions(values[row], query);
      } else {
        CheckSameDimensions(query, values[row]);
      }
    }
    rows[kept] = values[row].data();
    positions[kept++] = row;
  }
  rows.resize(kept);
  const size_t dimensions = static_cast<size_t>(VectorDimensions(query));
  double* out = result.Data<double>();
  if (distance == Distance::kCosine) {
    std::vector<vector_math::CosineSums> sums(rows.size());
    vector_math::CosinePartsMany(query.data(), rows.data(), rows.size(), dimensions, sums.data());
    for (size_t index = 0; index < rows.size(); ++index) out[positions[index]] = FromCosineSums(sums[index]);
    return;
  }
  std::vector<float> sums(rows.size());
  if (distance == Distance::kL2) {
    vector_math::SquaredL2DistanceMany(query.data(), rows.data(), rows.size(), dimensions, sums.data());
  } else {
    vector_math::InnerProductMany(query.data(), rows.data(), rows.size(), dimensions, sums.data());
  }
  for (size_t index = 0; index < rows.size(); ++index) out[positions[index]] = FromSum(distance, sums[index]);
}

// Each element divided by the vector's norm; a zero vector stays zero.
std::string L2Normalize(std::string_view a) {
  const int dimensions = VectorDimensions(a);
  const double norm = vector_math::VectorNorm(a.data(), static_cast<size_t>(dimensions));
  std::string payload;
  payload.reserve(a.size());
  for (int index = 0; index < dimensions; ++index) {
    const float element = VectorElement(a, index);
    AppendVectorElement(payload, norm > 0 ? static_cast<float>(element / norm) : 0.0f);
  }
  return payload;
}

void AddDistance(FunctionRegistry& registry, std::string name, Distance distance) {
  AddFunction(registry, std::move(name), {kVectorType, kVectorType}, kFloat64Type,
              [distance](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
                const int shared = SharedArgument(args, count);
                if (shared >= 0) return DistancesToQuery(distance, args, shared, count, result);
                ExecuteBinary<std::string_view, std::string_view, double>(
                    args[0], args[1], count, result,
                    [distance](std::string_view a, std::string_view b) { return PairDistance(distance, a, b); });
              });
}

// One array element as a vector element: double precision rounds to float4, overflowing to infinity.
float VectorElementOf(TypeId array, const std::string& element) {
  switch (array) {
    case TypeId::kInt32Array: return static_cast<float>(text_format::ParseInt32(element));
    case TypeId::kFloat32Array: return text_format::ParseFloat32(element);
    default: return static_cast<float>(text_format::ParseFloat64(element));
  }
}

// pgvector's array_to_vector, with its checks in its order: no NULL element, a valid dimension count,
// the typmod's count, then each element finite.
std::string ArrayToVector(TypeId array, std::string_view array_text, int32_t typmod) {
  const std::vector<std::optional<std::string>> elements = ParseArrayElements(array_text);
  for (const std::optional<std::string>& element : elements) {
    if (!element) throw SqlError(SqlState::kNullValueNotAllowed, "array must not contain nulls");
  }
  CheckVectorDimensions(static_cast<int64_t>(elements.size()));
  CheckVectorTypmod(typmod, static_cast<int>(elements.size()));
  std::string payload;
  payload.reserve(elements.size() * sizeof(float));
  for (const std::optional<std::string>& element : elements) {
    const float value = VectorElementOf(array, *element);
    CheckVectorElement(value);
    AppendVectorElement(payload, value);
  }
  return payload;
}

// Tessera's json -> vector (as SingleStore's JSON_ARRAY_PACK): `json`, already valid JSON, must be an
// array of numbers. Throws 22000 for anything else, then pgvector's checks as for arrays.
std::string JsonArrayToVector(std::string_view json, int32_t typmod) {
  constexpr std::string_view kSpace = " \t\n\r";
  size_t position = json.find_first_not_of(kSpace);
  if (json[position] != '[') {
    throw SqlError(SqlState::kDataException, "cannot cast json to vector: the value is not an array");
  }
  std::vector<float> elements;
  position = json.find_first_not_of(kSpace, position + 1);
  while (json[position] != ']') {
    const char first = json[position];
    if (first != '-' && (first < '0' || first > '9')) {
      throw SqlError(SqlState::kDataException, "cannot cast json to vector: array element " +
                                                   std::to_string(elements.size() + 1) + " is not a number");
    }
    const size_t end = json.find_first_of(",] \t\n\r", position);
    elements.push_back(static_cast<float>(text_format::ParseFloat64(json.substr(position, end - position))));
    position = json.find_first_not_of(kSpace, end);
    if (json[position] == ',') position = json.find_first_not_of(kSpace, position + 1);
  }
  CheckVectorDimensions(static_cast<int64_t>(elements.size()));
  CheckVectorTypmod(typmod, static_cast<int>(elements.size()));
  std::string payload;
  payload.reserve(elements.size() * sizeof(float));
  for (const float value : elements) {
    CheckVectorElement(value);
    AppendVectorElement(payload, value);
  }
  return payload;
}

// pgvector's vector_to_float4: the elements as a real[] in the stored (shortest) form.
std::string VectorToFloatArray(std::string_view payload) {
  std::string text = "{";
  for (int index = 0; index < VectorDimensions(payload); ++index) {
    if (index > 0) text += ',';
    text += text_format::FormatFloat32(VectorElement(payload, index));
  }
  text += '}';
  return text;
}

}  // namespace

namespace builtin {

void CastVectorType(const Vector& input, const LogicalType& target, Vector& result) {
  const TypeId source = input.type().id;
  const bool from_array = source == TypeId::kInt32Array || source == TypeId::kFloat32Array ||
                          source == TypeId::kFloat64Array;
  const bool to_array = source == TypeId::kVector && target.id == TypeId::kFloat32Array;
  const bool from_json = source == TypeId::kJson && target.id == TypeId::kVector;
  if (!(source == target.id || from_array || to_array || from_json)) {
    throw SqlError(SqlState::kCannotCoerce, "cannot cast type " + FormatType(LogicalType(source)) + " to " +
                                                FormatType(LogicalType(target.id)));
  }
  ExecuteUnaryString<std::string_view>(input, input.size(), result, [&](std::string_view value) -> std::string {
    if (from_array) return ArrayToVector(source, value, target.typmod);
    if (to_array) return VectorToFloatArray(value);
    if (from_json) return JsonArrayToVector(value, target.typmod);
    CheckVectorTypmod(target.typmod, VectorDimensions(value));
    return std::string(value);
  });
}

}  // namespace builtin

void RegisterVectorFunctions(FunctionRegistry& registry) {
  for (const char* name : {"l2_distance", "euclidean_distance", "<->"}) AddDistance(registry, name, Distance::kL2);
  for (const char* name : {"inner_product", "dot_product"}) AddDistance(registry, name, Distance::kInnerProduct);
  AddDistance(registry, "<#>", Distance::kNegativeInnerProduct);
  for (const char* name : {"cosine_distance", "<=>"}) AddDistance(registry, name, Distance::kCosine);

  AddFunction(registry, "vector_dims", {kVectorType}, kInt32Type,
              UnaryKernel<std::string_view, int32_t>([](std::string_view a) { return VectorDimensions(a); }));
  AddFunction(registry, "vector_norm", {kVectorType}, kFloat64Type,
              UnaryKernel<std::string_view, double>([](std::string_view a) {
                return vector_math::VectorNorm(a.data(), static_cast<size_t>(VectorDimensions(a)));
              }));
  AddFunction(registry, "l2_normalize", {kVectorType}, kVectorType, UnaryStringKernel<std::string_view>(L2Normalize));

  const std::pair<const char*, bool (*)(int)> kComparisons[] = {
      {"=", [](int order) { return order == 0; }}, {"<>", [](int order) { return order != 0; }},
      {"<", [](int order) { return order < 0; }},  {"<=", [](int order) { return order <= 0; }},
      {">", [](int order) { return order > 0; }},  {">=", [](int order) { return order >= 0; }},
  };
  for (const auto& [name, test] : kComparisons) {
    AddFunction(registry, name, {kVectorType, kVectorType}, kBoolType,
                BinaryKernel<std::string_view, std::string_view, uint8_t>([test = test](std::string_view a, std::string_view b) {
                  return static_cast<uint8_t>(test(CompareVectors(a, b)));
                }));
  }
}

}  // namespace tessera::engine
