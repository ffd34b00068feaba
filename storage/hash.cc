// SPDX-License-Identifier: Apache-2.0
// Cell hashing (FNV-1a over the value's canonical bytes, then a 64-bit finaliser).
#include "storage/hash.h"

#include <cstring>

#include "base/vector_value.h"

namespace tessera::storage {

namespace {
uint64_t Mix(uint64_t hash) {
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  hash *= 0xc4ceb3f98c1e2e5bULL;
  hash ^= hash >> 33;
  return hash;
}
}  // namespace

uint64_t HashBytes(const void* data, size_t size, uint64_t seed) {
  uint64_t hash = 0xcbf29ce484222325ULL ^ seed;
  const auto* bytes = static_cast<const uint8_t*>(data);
  for (size_t index = 0; index < size; ++index) {
    hash ^= bytes[index];
    hash *= 0x100000001b3ULL;
  }
  return Mix(hash);
}

uint64_t HashCell(const Vector& vector, idx_t row) {
  if (vector.IsNull(row)) return 0x9e3779b97f4a7c15ULL;
  switch (vector.physical_type()) {
    case PhysicalType::kBool: return Mix(vector.Data<uint8_t>()[row] + 1);
    case PhysicalType::kInt16: return Mix(static_cast<uint64_t>(int64_t{vector.Data<int16_t>()[row]}));
    case PhysicalType::kInt32: return Mix(static_cast<uint64_t>(int64_t{vector.Data<int32_t>()[row]}));
    case PhysicalType::kInt64: return Mix(static_cast<uint64_t>(vector.Data<int64_t>()[row]));
    case PhysicalType::kFloat32:
    case PhysicalType::kFloat64: {
      double value = vector.physical_type() == PhysicalType::kFloat32 ? vector.Data<float>()[row]
                                                                     : vector.Data<double>()[row];
      if (value == 0) value = 0;  // -0 and 0 are equal
      uint64_t bits;
      std::memcpy(&bits, &value, sizeof(bits));
      return Mix(bits);
    }
    case PhysicalType::kDecimal: return vector.Data<Decimal>()[row].Hash();
    case PhysicalType::kString: {
      std::string_view text = vector.Data<std::string_view>()[row];
      std::string canonical;
      if (vector.type().id == TypeId::kVector) text = CanonicalVectorPayload(text, canonical);  // -0 = 0
      return HashBytes(text.data(), text.size());
    }
    case PhysicalType::kInterval: {
      const Interval& interval = vector.Data<Interval>()[row];
      return HashBytes(&interval, sizeof(interval));
    }
    case PhysicalType::kUuid: {
      const Uuid& uuid = vector.Data<Uuid>()[row];
      return HashBytes(uuid.bytes.data(), uuid.bytes.size());
    }
    case PhysicalType::kInvalid: break;
  }
  return 0;
}

}  // namespace tessera::storage
