// SPDX-License-Identifier: Apache-2.0
// The vector type's functions, operators and casts (pgvector's, plus MemSQL's DOT_PRODUCT and
// EUCLIDEAN_DISTANCE): distances return double precision computed from float32 sums (vector_math.h);
// two vectors of different dimensions are a 22000 error. Text input and output are in cast_text.cc.
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

double L2Distance(std::string_view a, std::string_view b) {
  const size_t dimensions = CheckSameDimensions(a, b);
  return std::sqrt(static_cast<double>(vector_math::SquaredL2Distance(a.data(), b.data(), dimensions)));
}

double InnerProduct(std::string_view a, std::string_view b) {
  const size_t dimensions = CheckSameDimensions(a, b);
  return static_cast<double>(vector_math::InnerProduct(a.data(), b.data(), dimensions));
}

// 1 - a.b / sqrt(|a|^2 |b|^2), the similarity clamped to [-1, 1]; NaN when either vector is zero.
double CosineDistance(std::string_view a, std::string_view b) {
  const size_t dimensions = CheckSameDimensions(a, b);
  const vector_math::CosineSums sums = vector_math::CosineParts(a.data(), b.data(), dimensions);
  double similarity = static_cast<double>(sums.dot) /
                      std::sqrt(static_cast<double>(sums.norm_a) * static_cast<double>(sums.norm_b));
  if (similarity > 1) similarity = 1;
  if (similarity < -1) similarity = -1;
  return 1 - similarity;
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

void AddDistance(FunctionRegistry& registry, std::string name, double (*distance)(std::string_view, std::string_view)) {
  AddFunction(registry, std::move(name), {kVectorType, kVectorType}, kFloat64Type,
              BinaryKernel<std::string_view, std::string_view, double>(distance));
}

// array_to_vector for integer[]: every element, none NULL, at least one.
std::string IntegerArrayToVector(std::string_view array_text, int32_t typmod) {
  const std::vector<std::optional<std::string>> elements = ParseArrayElements(array_text);
  CheckVectorDimensions(static_cast<int64_t>(elements.size()));
  CheckVectorTypmod(typmod, static_cast<int>(elements.size()));
  std::string payload;
  payload.reserve(elements.size() * sizeof(float));
  for (const std::optional<std::string>& element : elements) {
    if (!element) throw SqlError(SqlState::kNullValueNotAllowed, "array must not contain nulls");
    AppendVectorElement(payload, static_cast<float>(text_format::ParseInt32(*element)));
  }
  return payload;
}

}  // namespace

namespace builtin {

void CastVectorType(const Vector& input, const LogicalType& target, Vector& result) {
  const TypeId source = input.type().id;
  if (source != TypeId::kVector && source != TypeId::kInt32Array) {
    throw SqlError(SqlState::kCannotCoerce, "cannot cast type " + FormatType(LogicalType(source)) + " to " +
                                                FormatType(LogicalType(target.id)));
  }
  ExecuteUnaryString<std::string_view>(input, input.size(), result, [&](std::string_view value) -> std::string {
    if (source == TypeId::kInt32Array) return IntegerArrayToVector(value, target.typmod);
    CheckVectorTypmod(target.typmod, VectorDimensions(value));
    return std::string(value);
  });
}

}  // namespace builtin

void RegisterVectorFunctions(FunctionRegistry& registry) {
  for (const char* name : {"l2_distance", "euclidean_distance", "<->"}) AddDistance(registry, name, L2Distance);
  for (const char* name : {"inner_product", "dot_product"}) AddDistance(registry, name, InnerProduct);
  AddDistance(registry, "<#>", [](std::string_view a, std::string_view b) { return -InnerProduct(a, b); });
  for (const char* name : {"cosine_distance", "<=>"}) AddDistance(registry, name, CosineDistance);

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
