// SPDX-License-Identifier: Apache-2.0
// GREATEST/LEAST and the sequence functions.
#include "planner/special_functions.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/durability.h"
#include "engine/row_key.h"
#include "engine/system_tables.h"
#include "planner/cluster_functions.h"

namespace tessera::planner {

namespace {

engine::RelationPtr FindSequence(engine::ExecContext& context, std::string_view name) {
  std::string schema;
  std::string relation(name);
  const size_t dot = relation.find('.');
  if (dot != std::string::npos) {
    schema = relation.substr(0, dot);
    relation = relation.substr(dot + 1);
  }
  auto found = context.database->catalog().FindRelation(schema, relation, {"public"});
  if (!found || found->kind != engine::RelationKind::kSequence) {
    throw SqlError(SqlState::kUndefinedTable, "relation \"" + std::string(name) + "\" does not exist");
  }
  return found;
}

// Values are logged ahead of use: after a crash the sequence continues past every value handed out.
constexpr int64_t kSequenceLogAhead = 32;

int64_t NextValue(const engine::RelationInfo& relation, std::string_view name, engine::ExecContext& context) {
  engine::SequenceState& sequence = *relation.sequence;
  std::lock_guard lock(sequence.mutex);
  int64_t next = sequence.next;
  if (sequence.called) {
    if (__builtin_add_overflow(sequence.next, sequence.increment, &next) || next > sequence.max_value ||
        next < sequence.min_value) {
      if (!sequence.cycle) {
        throw SqlError(SqlState::kSequenceGeneratorLimitExceeded,
                       "nextval: reached " + std::string(sequence.increment > 0 ? "maximum" : "minimum") +
                           " value of sequence \"" + std::string(name) + "\" (" +
                           std::to_string(sequence.increment > 0 ? sequence.max_value : sequence.min_value) + ")");
      }
      next = sequence.increment > 0 ? sequence.min_value : sequence.max_value;
      sequence.logged = false;
    }
  }
  sequence.called = true;
  sequence.next = next;
  const bool ascending = sequence.increment > 0;
  engine::Durability* durability = context.database->durability();
  if (durability != nullptr &&
      (!sequence.logged || (ascending ? next >= sequence.logged_next : next <= sequence.logged_next))) {
    int64_t ahead = next;
    if (__builtin_mul_overflow(sequence.increment, kSequenceLogAhead, &ahead) ||
        __builtin_add_overflow(next, ahead, &ahead)) {
      ahead = ascending ? sequence.max_value : sequence.min_value;
    }
    ahead = std::clamp(ahead, sequence.min_value, sequence.max_value);
    durability->LogSequence(relation.oid, ahead, true);
    sequence.logged_next = ahead;
    sequence.logged = true;
  }
  return next;
}

engine::FunctionRegistry BuildSpecialFunctions() {
  engine::FunctionRegistry registry;
  engine::ScalarFunction nextval;
  nextval.name = "nextval";
  nextval.arg_types = {LogicalType(TypeId::kText)};
  nextval.return_type = LogicalType(TypeId::kInt64);
  nextval.is_volatile = true;
  nextval.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, engine::ExecContext& context) {
    for (idx_t row = 0; row < count; ++row) {
      if (args[0].IsNull(row)) {
        result.SetNull(row, true);
        continue;
      }
      engine::RelationPtr sequence = FindSequence(context, args[0].GetString(row));
      result.Data<int64_t>()[row] = NextValue(*sequence, args[0].GetString(row), context);
    }
  };
  registry.Register(nextval);
  engine::ScalarFunction currval = nextval;
  currval.name = "currval";
  currval.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, engine::ExecContext& context) {
    for (idx_t row = 0; row < count; ++row) {
      if (args[0].IsNull(row)) {
        result.SetNull(row, true);
        continue;
      }
      std::shared_ptr<engine::SequenceState> sequence = FindSequence(context, args[0].GetString(row))->sequence;
      std::lock_guard lock(sequence->mutex);
      if (!sequence->called) {
        throw SqlError(SqlState::kObjectNotInPrerequisiteState,
                       "currval of sequence \"" + std::string(args[0].GetString(row)) + "\" is not yet defined in this session");
      }
      result.Data<int64_t>()[row] = sequence->next;
    }
  };
  registry.Register(currval);
  engine::ScalarFunction setval = nextval;
  setval.name = "setval";
  setval.arg_types = {LogicalType(TypeId::kText), LogicalType(TypeId::kInt64)};
  setval.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, engine::ExecContext& context) {
    for (idx_t row = 0; row < count; ++row) {
      if (args[0].IsNull(row) || args[1].IsNull(row)) {
        result.SetNull(row, true);
        continue;
      }
      engine::RelationPtr relation = FindSequence(context, args[0].GetString(row));
      engine::SequenceState* sequence = relation->sequence.get();
      std::lock_guard lock(sequence->mutex);
      sequence->next = args[1].Data<int64_t>()[row];
      sequence->called = true;
      sequence->logged = false;
      if (engine::Durability* durability = context.database->durability()) {
        durability->LogSequence(relation->oid, sequence->next, true);
      }
      result.Data<int64_t>()[row] = sequence->next;
    }
  };
  registry.Register(setval);
  engine::RegisterCatalogFunctions(registry);
  RegisterClusterFunctions(registry);
  return registry;
}

}  // namespace

const engine::FunctionRegistry& SpecialFunctions() {
  static const engine::FunctionRegistry registry = BuildSpecialFunctions();
  return registry;
}

const engine::ScalarFunction* GreatestLeastFunction(bool greatest, const LogicalType& type) {
  static std::mutex mutex;
  static std::map<std::pair<bool, TypeId>, std::unique_ptr<engine::ScalarFunction>> cache;
  std::lock_guard lock(mutex);
  auto& slot = cache[{greatest, type.id}];
  if (!slot) {
    slot = std::make_unique<engine::ScalarFunction>();
    slot->name = greatest ? "greatest" : "least";
    slot->arg_types = {LogicalType(type.id)};
    slot->variadic = true;
    slot->strict = false;
    slot->return_type = type;
    slot->kernel = [greatest](const std::vector<Vector>& args, idx_t count, Vector& result, engine::ExecContext&) {
      for (idx_t row = 0; row < count; ++row) {
        int best = -1;
        for (size_t index = 0; index < args.size(); ++index) {
          if (args[index].IsNull(row)) continue;
          if (best < 0) {
            best = static_cast<int>(index);
            continue;
          }
          const int order = engine::CompareCells(args[index], row, args[best], row);
          if (greatest ? order > 0 : order < 0) best = static_cast<int>(index);
        }
        if (best < 0) {
          result.SetNull(row, true);
        } else {
          result.SetValue(row, args[best].GetValue(row));
        }
      }
    };
  }
  return slot.get();
}

}  // namespace tessera::planner
