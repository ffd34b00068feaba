// SPDX-License-Identifier: Apache-2.0
// One-dimensional array support over the stored array text: parsing and printing elements,
// array_to_string, array_upper/array_lower/array_length, subscripts (_array_element) and the
// `= ANY (array)` / `<> ALL (array)` comparisons (_array_eq_any, _array_ne_all: internal names the binder calls)
// and ARRAY[...] constructors (_array_construct_<typname>).
#include <charconv>
#include <cmath>

#include "base/binary_format.h"
#include "base/text_format.h"
#include "engine/function/array_text.h"
#include "engine/function/kernel_builder.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

std::vector<std::optional<std::string>> ParseArrayElements(std::string_view text) {
  auto malformed = [&] {
    return SqlError(SqlState::kInvalidTextRepresentation, "malformed array literal: \"" + std::string(text) + "\"");
  };
  size_t begin = text.find_first_not_of(" \t\n\r");
  size_t end = text.find_last_not_of(" \t\n\r");
  if (begin == std::string_view::npos || text[begin] != '{' || text[end] != '}') throw malformed();
  std::string_view body = text.substr(begin + 1, end - begin - 1);
  std::vector<std::optional<std::string>> elements;
  if (body.find_first_not_of(" \t\n\r") == std::string_view::npos) return elements;
  if (body.find('{') != std::string_view::npos && body.find('"') == std::string_view::npos) {
    throw SqlError(SqlState::kFeatureNotSupported, "multidimensional arrays are not supported yet");
  }
  size_t position = 0;
  while (position <= body.size()) {
    while (position < body.size() && body[position] == ' ') ++position;
    std::string element;
    bool quoted = false;
    if (position < body.size() && body[position] == '"') {
      quoted = true;
      ++position;
      while (position < body.size() && body[position] != '"') {
        if (body[position] == '\\' && position + 1 < body.size()) ++position;
        element += body[position++];
      }
      if (position >= body.size()) throw malformed();
      ++position;
    } else {
      while (position < body.size() && body[position] != ',') element += body[position++];
      while (!element.empty() && element.back() == ' ') element.pop_back();
    }
    const bool is_null = !quoted && element.size() == 4 && (element[0] | 32) == 'n' && (element[1] | 32) == 'u' &&
                         (element[2] | 32) == 'l' && (element[3] | 32) == 'l';
    elements.push_back(is_null ? std::nullopt : std::optional<std::string>(std::move(element)));
    while (position < body.size() && body[position] == ' ') ++position;
    if (position < body.size() && body[position] != ',') throw malformed();
    ++position;
  }
  return elements;
}

void AppendArrayElement(std::string& out, std::string_view element) {
  bool quote = element.empty() || (element.size() == 4 && (element[0] | 32) == 'n' && (element[1] | 32) == 'u' &&
                                                             (element[2] | 32) == 'l' && (element[3] | 32) == 'l');
  for (char ch : element) {
    quote = quote || ch == '{' || ch == '}' || ch == ',' || ch == '"' || ch == '\\' || ch == ' ' || ch == '\t' ||
            ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
  }
  if (!quote) {
    out.append(element);
    return;
  }
  out += '"';
  for (char ch : element) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

std::string ReformatFloatArray(TypeId array, std::string_view text, int extra_float_digits) {
  const bool single = array == TypeId::kFloat32Array;
  std::string out = "{";
  for (const std::optional<std::string>& element : ParseArrayElements(text)) {
    if (out.size() > 1) out += ',';
    if (!element) {
      out += "NULL";
    } else if (single) {
      out += text_format::FormatFloat32(text_format::ParseFloat32(*element), extra_float_digits);
    } else {
      out += text_format::FormatFloat64(text_format::ParseFloat64(*element), extra_float_digits);
    }
  }
  out += '}';
  return out;
}

namespace {

bool IsFloatArray(TypeId array) { return array == TypeId::kFloat32Array || array == TypeId::kFloat64Array; }

// float8_cmp's order on element texts: NaN equals NaN and sorts above every number.
int CompareFloatTexts(std::string_view a, std::string_view b) {
  const double left = text_format::ParseFloat64(a);
  const double right = text_format::ParseFloat64(b);
  if (std::isnan(left) || std::isnan(right)) return std::isnan(left) - std::isnan(right);
  return (left > right) - (left < right);
}

int CompareElements(TypeId array, const std::string& a, const std::string& b) {
  if (array == TypeId::kTextArray) return (a > b) - (a < b);
  if (IsFloatArray(array)) return CompareFloatTexts(a, b);
  int64_t left = 0, right = 0;
  std::from_chars(a.data(), a.data() + a.size(), left);
  std::from_chars(b.data(), b.data() + b.size(), right);
  return (left > right) - (left < right);
}

}  // namespace

int CompareArrays(TypeId array, std::string_view a, std::string_view b) {
  const auto left = ParseArrayElements(a);
  const auto right = ParseArrayElements(b);
  for (size_t index = 0; index < left.size() && index < right.size(); ++index) {
    if (!left[index] || !right[index]) {
      if (left[index].has_value() != right[index].has_value()) return left[index] ? -1 : 1;
      continue;
    }
    const int order = CompareElements(array, *left[index], *right[index]);
    if (order != 0) return order;
  }
  return (left.size() > right.size()) - (left.size() < right.size());
}

std::string CanonicalArrayKey(TypeId array, std::string_view text) {
  if (array == TypeId::kTextArray) return std::string(text);
  std::string key;
  for (const std::optional<std::string>& element : ParseArrayElements(text)) {
    if (!element) {
      key += "N,";
      continue;
    }
    if (IsFloatArray(array)) {
      const double value = text_format::ParseFloat64(*element);
      key += std::isnan(value) ? "NaN" : text_format::FormatFloat64(value == 0 ? 0.0 : value);
    } else {
      int64_t value = 0;
      std::from_chars(element->data(), element->data() + element->size(), value);
      key += std::to_string(value);
    }
    key += ',';
  }
  return key;
}

std::string CanonicalArrayText(TypeId array, std::string_view text) {
  if (array == TypeId::kFloat32Array || array == TypeId::kFloat64Array) return ReformatFloatArray(array, text, 1);
  if (array != TypeId::kInt16Array && array != TypeId::kInt32Array && array != TypeId::kInt64Array) {
    return std::string(text);
  }
  std::string out = "{";
  for (const std::optional<std::string>& element : ParseArrayElements(text)) {
    if (out.size() > 1) out += ',';
    if (!element) out += "NULL";
    else if (array == TypeId::kInt16Array) out += std::to_string(text_format::ParseInt16(*element));
    else if (array == TypeId::kInt32Array) out += std::to_string(text_format::ParseInt32(*element));
    else out += std::to_string(text_format::ParseInt64(*element));
  }
  return out + "}";
}

std::string ArrayConstructorName(TypeId array) { return "_array_construct_" + std::string(TypeInternalName(array)); }

std::optional<LogicalType> ArrayElementType(TypeId id) {
  const TypeId element = tessera::ArrayElementType(id);
  if (element == TypeId::kUnknown) return std::nullopt;
  return LogicalType(element);
}

std::optional<LogicalType> ArrayTypeOf(TypeId element) {
  switch (element) {
    case TypeId::kText: case TypeId::kVarchar: case TypeId::kChar: case TypeId::kName:
      return LogicalType(TypeId::kTextArray);
    case TypeId::kInt16: return LogicalType(TypeId::kInt16Array);
    case TypeId::kInt32: return LogicalType(TypeId::kInt32Array);
    case TypeId::kInt64: return LogicalType(TypeId::kInt64Array);
    case TypeId::kOid: return LogicalType(TypeId::kOidArray);
    case TypeId::kFloat32: return LogicalType(TypeId::kFloat32Array);
    case TypeId::kFloat64: return LogicalType(TypeId::kFloat64Array);
    default: return std::nullopt;
  }
}

namespace {

constexpr TypeId kArrayTypes[] = {TypeId::kTextArray, TypeId::kInt16Array,   TypeId::kInt32Array,
                                  TypeId::kInt64Array, TypeId::kOidArray,     TypeId::kFloat32Array,
                                  TypeId::kFloat64Array};

// float4eq/float8eq on element texts: by value, so -0 equals 0, and NaN equals NaN.
bool FloatElementEquals(std::string_view element, std::string_view value) {
  const double left = text_format::ParseFloat64(element);
  const double right = text_format::ParseFloat64(value);
  return left == right || (std::isnan(left) && std::isnan(right));
}

// Whether array element `element` equals `value` (the left operand printed as the element type):
// numbers compare by value, so that {01} contains 1; text compares byte for byte.
bool ElementEquals(TypeId array, const std::string& element, std::string_view value) {
  if (array == TypeId::kTextArray) return element == value;
  if (array == TypeId::kFloat32Array || array == TypeId::kFloat64Array) return FloatElementEquals(element, value);
  int64_t left = 0, right = 0;
  std::from_chars(element.data(), element.data() + element.size(), left);
  std::from_chars(value.data(), value.data() + value.size(), right);
  return left == right;
}

// value = ANY (array) (`equal`) or value <> ALL (array): NULL when undecided because of NULL elements.
ScalarKernel QuantifiedKernel(TypeId array, bool equal) {
  return [array, equal](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    ForEachNonNullRow(args, count, result, [&](idx_t row) {
      bool found = false, saw_null = false;
      for (const auto& element : ParseArrayElements(args[1].GetString(row))) {
        if (!element) {
          saw_null = true;
        } else if (ElementEquals(array, *element, args[0].GetString(row))) {
          found = true;
          break;
        }
      }
      if (!found && saw_null) {
        result.SetNull(row, true);
      } else {
        result.Data<uint8_t>()[row] = equal ? found : !found;
      }
    });
  };
}

// Array equality element by element (integers by value); text[] compares as text in comparison_functions.cc.
bool ArraysEqual(TypeId array, std::string_view left, std::string_view right) {
  const auto left_elements = ParseArrayElements(left);
  const auto right_elements = ParseArrayElements(right);
  if (left_elements.size() != right_elements.size()) return false;
  for (size_t index = 0; index < left_elements.size(); ++index) {
    const auto& a = left_elements[index];
    const auto& b = right_elements[index];
    if (a.has_value() != b.has_value()) return false;
    if (a && !ElementEquals(array, *a, *b)) return false;
  }
  return true;
}

// _array_construct_<typname>(text, ...): ARRAY[...] of elements the binder cast to the element type and
// printed; NULL elements stay NULL.
void RegisterArrayConstructor(FunctionRegistry& registry, TypeId array) {
  ScalarFunction construct;
  construct.name = ArrayConstructorName(array);
  construct.arg_types = {kTextType};
  construct.return_type = LogicalType(array);
  construct.strict = false;
  construct.variadic = true;
  construct.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, ExecContext&) {
    for (idx_t row = 0; row < count; ++row) {
      std::string out = "{";
      for (const Vector& element : args) {
        if (out.size() > 1) out += ',';
        if (element.IsNull(row)) out += "NULL";
        else AppendArrayElement(out, element.GetString(row));
      }
      result.SetString(row, out + "}");
    }
  };
  registry.Register(std::move(construct));
}

void RegisterArrayFunction(FunctionRegistry& registry, TypeId array) {
  const LogicalType array_type(array);
  RegisterArrayConstructor(registry, array);
  if (array != TypeId::kTextArray) {
    for (const bool equal : {true, false}) {
      AddFunction(registry, equal ? "=" : "<>", {array_type, array_type}, kBoolType,
                  RowKernel([array, equal](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                    result.Data<uint8_t>()[row] = ArraysEqual(array, args[0].GetString(row), args[1].GetString(row)) == equal;
                  }));
    }
  }
  AddFunction(registry, "_array_eq_any", {kTextType, array_type}, kBoolType, QuantifiedKernel(array, true));
  AddFunction(registry, "_array_ne_all", {kTextType, array_type}, kBoolType, QuantifiedKernel(array, false));
  // _array_element(array, index): the element (as text; the binder casts it to the element type).
  AddFunction(registry, "_array_element", {array_type, kInt32Type}, kTextType,
              RowKernel([](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                const auto elements = ParseArrayElements(args[0].GetString(row));
                const int32_t index = args[1].Data<int32_t>()[row];
                if (index < 1 || static_cast<size_t>(index) > elements.size() || !elements[index - 1]) {
                  result.SetNull(row, true);
                } else {
                  result.SetString(row, *elements[index - 1]);
                }
              }));
  for (const char* name : {"array_upper", "array_length", "array_lower"}) {
    const bool lower = std::string_view(name) == "array_lower";
    AddFunction(registry, name, {array_type, kInt32Type}, kInt32Type,
                RowKernel([lower](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
                  const size_t size = ParseArrayElements(args[0].GetString(row)).size();
                  if (size == 0 || args[1].Data<int32_t>()[row] != 1) {
                    result.SetNull(row, true);
                  } else {
                    result.Data<int32_t>()[row] = lower ? 1 : static_cast<int32_t>(size);
                  }
                }));
  }
  // array_to_string(array, delimiter [, null_string]): NULL elements are skipped without null_string.
  auto to_string = [](const std::vector<Vector>& args, idx_t row, Vector& result, ExecContext&) {
    std::string out;
    bool first = true;
    for (const auto& element : ParseArrayElements(args[0].GetString(row))) {
      if (!element && args.size() < 3) continue;
      if (!first) out += args[1].GetString(row);
      out += element ? std::string_view(*element) : args[2].GetString(row);
      first = false;
    }
    result.SetString(row, out);
  };
  AddFunction(registry, "array_to_string", {array_type, kTextType}, kTextType, RowKernel(to_string));
  AddFunction(registry, "array_to_string", {array_type, kTextType, kTextType}, kTextType, RowKernel(to_string));
}

}  // namespace

void RegisterArrayFunctions(FunctionRegistry& registry) {
  for (TypeId array : kArrayTypes) RegisterArrayFunction(registry, array);
}

}  // namespace tessera::engine
