// SPDX-License-Identifier: Apache-2.0
// PostgreSQL's overload resolution (func_select_candidate and binary_oper_exact) over Tessera's registry.
#include "planner/overload_resolution.h"

#include <algorithm>
#include <functional>
#include <optional>

namespace tessera::planner {

using engine::ScalarFunction;

namespace {

// pg_type.typcategory.
enum class TypeCategory { kUnknown, kBool, kNumeric, kString, kDateTime, kTimeSpan, kUserDefined, kArray };

TypeCategory CategoryOf(TypeId id) {
  switch (id) {
    case TypeId::kUnknown: return TypeCategory::kUnknown;
    case TypeId::kBool: return TypeCategory::kBool;
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kNumeric:
    case TypeId::kOid: return TypeCategory::kNumeric;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kName: return TypeCategory::kString;
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimeTz:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return TypeCategory::kDateTime;
    case TypeId::kInterval: return TypeCategory::kTimeSpan;
    case TypeId::kBytea:
    case TypeId::kUuid:
    case TypeId::kVector:
    case TypeId::kJson: return TypeCategory::kUserDefined;
    case TypeId::kTextArray:
    case TypeId::kInt16Array:
    case TypeId::kInt32Array:
    case TypeId::kInt64Array:
    case TypeId::kOidArray:
    case TypeId::kFloat32Array:
    case TypeId::kFloat64Array: return TypeCategory::kArray;
  }
  return TypeCategory::kUserDefined;
}

// pg_type.typispreferred.
bool IsPreferred(TypeId id) {
  return id == TypeId::kFloat64 || id == TypeId::kOid || id == TypeId::kText || id == TypeId::kTimestampTz ||
         id == TypeId::kInterval || id == TypeId::kBool;
}

// The type a candidate declares for argument `index`, or nullptr where it takes any type (VARIADIC "any").
const LogicalType* DeclaredType(const ScalarFunction& candidate, size_t index) {
  const size_t declared = candidate.arg_types.size();
  if (candidate.variadic_any && index + 1 >= declared) return nullptr;
  return &candidate.arg_types[std::min(index, declared - 1)];
}

bool Accepts(const ScalarFunction& candidate, const std::vector<LogicalType>& inputs) {
  const size_t declared = candidate.arg_types.size();
  if (candidate.variadic ? inputs.size() + 1 < declared : inputs.size() != declared) return false;
  for (size_t index = 0; index < inputs.size(); ++index) {
    const LogicalType* want = DeclaredType(candidate, index);
    if (want == nullptr || inputs[index].id == want->id || inputs[index].id == TypeId::kUnknown) continue;
    if (engine::GetCastContext(inputs[index], *want) != engine::CastContext::kImplicit) return false;
  }
  return true;
}

using Candidates = std::vector<const ScalarFunction*>;

// Keeps the candidates with the highest `score` (all of them when they tie).
Candidates KeepBest(const Candidates& candidates, const std::function<int(const ScalarFunction&)>& score) {
  int best = -1;
  Candidates kept;
  for (const ScalarFunction* candidate : candidates) {
    const int value = score(*candidate);
    if (value > best) {
      best = value;
      kept.clear();
    }
    if (value == best) kept.push_back(candidate);
  }
  return kept;
}

// Resolves the unknown arguments by the categories the candidates take at their positions: the string
// category when any candidate takes it there, else the one category all take (and its preferred type when
// some take it). Returns the candidates that agree, or `candidates` when a position stays unresolved.
Candidates ResolveUnknowns(const Candidates& candidates, const std::vector<LogicalType>& inputs) {
  Candidates kept = candidates;
  for (size_t index = 0; index < inputs.size(); ++index) {
    if (inputs[index].id != TypeId::kUnknown) continue;
    TypeCategory category = TypeCategory::kUnknown;
    bool has_preferred = false;
    bool conflict = false;
    for (const ScalarFunction* candidate : candidates) {
      const LogicalType* want = DeclaredType(*candidate, index);
      if (want == nullptr) continue;
      const TypeCategory current = CategoryOf(want->id);
      if (category == TypeCategory::kUnknown) {
        category = current;
        has_preferred = IsPreferred(want->id);
      } else if (current == category) {
        has_preferred = has_preferred || IsPreferred(want->id);
      } else if (current == TypeCategory::kString) {
        category = current;
        has_preferred = IsPreferred(want->id);
      } else {
        conflict = true;
      }
    }
    if (conflict && category != TypeCategory::kString) return candidates;
    std::erase_if(kept, [&](const ScalarFunction* candidate) {
      const LogicalType* want = DeclaredType(*candidate, index);
      if (want == nullptr) return false;
      return CategoryOf(want->id) != category || (has_preferred && !IsPreferred(want->id));
    });
  }
  return kept.empty() ? candidates : kept;
}

// With both known and unknown arguments, and one type among the known ones: the single candidate that
// accepts that type at every position, or nullptr.
const ScalarFunction* MatchKnownType(const Candidates& candidates, const std::vector<LogicalType>& inputs) {
  std::optional<LogicalType> known;
  bool any_unknown = false;
  for (const LogicalType& input : inputs) {
    if (input.id == TypeId::kUnknown) {
      any_unknown = true;
    } else if (!known.has_value()) {
      known = input;
    } else if (known->id != input.id) {
      return nullptr;
    }
  }
  if (!any_unknown || !known.has_value()) return nullptr;
  const std::vector<LogicalType> assumed(inputs.size(), *known);
  const ScalarFunction* match = nullptr;
  for (const ScalarFunction* candidate : candidates) {
    if (!Accepts(*candidate, assumed)) continue;
    if (match != nullptr) return nullptr;
    match = candidate;
  }
  return match;
}

}  // namespace

OverloadChoice ChooseOverload(const std::vector<ScalarFunction>& overloads, const std::vector<LogicalType>& inputs,
                              bool is_operator) {
  Candidates candidates;
  for (const ScalarFunction& candidate : overloads) {
    if (Accepts(candidate, inputs)) candidates.push_back(&candidate);
  }
  if (candidates.size() <= 1) return {candidates.empty() ? nullptr : candidates[0], false};
  // binary_oper_exact: `x op 'literal'` takes the operator for x's type on both sides when there is one.
  if (is_operator && inputs.size() == 2 && (inputs[0].id == TypeId::kUnknown) != (inputs[1].id == TypeId::kUnknown)) {
    const TypeId known = inputs[0].id == TypeId::kUnknown ? inputs[1].id : inputs[0].id;
    for (const ScalarFunction* candidate : candidates) {
      if (candidate->arg_types.size() == 2 && candidate->arg_types[0].id == known &&
          candidate->arg_types[1].id == known) {
        return {candidate, false};
      }
    }
  }
  // Most arguments of exactly the declared type, then most converted to their category's preferred type.
  candidates = KeepBest(candidates, [&](const ScalarFunction& candidate) {
    int matches = 0;
    for (size_t index = 0; index < inputs.size(); ++index) {
      const LogicalType* want = DeclaredType(candidate, index);
      if (inputs[index].id != TypeId::kUnknown && (want == nullptr || want->id == inputs[index].id)) ++matches;
    }
    return matches;
  });
  if (candidates.size() == 1) return {candidates[0], false};
  candidates = KeepBest(candidates, [&](const ScalarFunction& candidate) {
    int matches = 0;
    for (size_t index = 0; index < inputs.size(); ++index) {
      const LogicalType* want = DeclaredType(candidate, index);
      if (inputs[index].id == TypeId::kUnknown) continue;
      if (want == nullptr || want->id == inputs[index].id ||
          (IsPreferred(want->id) && CategoryOf(want->id) == CategoryOf(inputs[index].id))) {
        ++matches;
      }
    }
    return matches;
  });
  if (candidates.size() == 1) return {candidates[0], false};
  candidates = ResolveUnknowns(candidates, inputs);
  if (candidates.size() == 1) return {candidates[0], false};
  if (const ScalarFunction* match = MatchKnownType(candidates, inputs)) return {match, false};
  return {nullptr, true};
}

}  // namespace tessera::planner
