// SPDX-License-Identifier: Apache-2.0
// uuid's functions and operators: the six comparisons (bytewise, as uuid_cmp) and gen_random_uuid().
// Text input and output are the casts of cast_text.cc.
#include "base/uuid.h"
#include "engine/function/kernel_builder.h"

namespace tessera::engine {

using namespace builtin;  // NOLINT: the registration vocabulary of this folder

void RegisterUuidFunctions(FunctionRegistry& registry) {
  const LogicalType uuid(TypeId::kUuid);
  const auto compare = [](const Uuid& a, const Uuid& b) { return (a > b) - (a < b); };
  const std::pair<const char*, bool (*)(int)> kComparisons[] = {
      {"=", [](int order) { return order == 0; }}, {"<>", [](int order) { return order != 0; }},
      {"<", [](int order) { return order < 0; }},  {"<=", [](int order) { return order <= 0; }},
      {">", [](int order) { return order > 0; }},  {">=", [](int order) { return order >= 0; }},
  };
  for (const auto& [name, test] : kComparisons) {
    AddFunction(registry, name, {uuid, uuid}, kBoolType,
                BinaryKernel<Uuid, Uuid, uint8_t>([compare, test = test](const Uuid& a, const Uuid& b) {
                  return static_cast<uint8_t>(test(compare(a, b)));
                }));
  }

  ScalarFunction random;
  random.name = "gen_random_uuid";
  random.return_type = uuid;
  random.is_volatile = true;
  random.kernel = [](const std::vector<Vector>&, idx_t count, Vector& result, ExecContext&) {
    Uuid* out = result.Data<Uuid>();
    for (idx_t row = 0; row < count; ++row) out[row] = RandomUuid();
  };
  registry.Register(std::move(random));
}

}  // namespace tessera::engine
