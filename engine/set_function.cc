// SPDX-License-Identifier: Apache-2.0
#include "engine/set_function.h"

#include <string>

#include "base/error.h"
#include "base/text_format.h"
#include "engine/function/array_text.h"
#include "engine/function/regexp_split.h"
#include "engine/series.h"

namespace tessera::engine {
namespace {

class SeriesRun : public SetFunctionRun {
 public:
  SeriesRun(const LogicalType& type, const std::vector<Value>& args) : series_(type, args) {}

  bool Next(Vector& column, idx_t row) override {
    if (column.physical_type() == PhysicalType::kDecimal) {
      Decimal value;
      if (!series_.Next(&value)) return false;
      column.Data<Decimal>()[row] = value;
      return true;
    }
    int64_t value = 0;
    if (!series_.Next(&value)) return false;
    if (column.physical_type() == PhysicalType::kInt32) {
      column.Data<int32_t>()[row] = static_cast<int32_t>(value);
    } else {
      column.Data<int64_t>()[row] = value;
    }
    return true;
  }

 private:
  Series series_;
};

// regexp_split_to_table(text, pattern [, flags]): the pieces, computed when the run starts.
class SplitRun : public SetFunctionRun {
 public:
  explicit SplitRun(const std::vector<Value>& args) {
    for (const auto& arg : args) {
      if (arg.is_null()) return;  // strict: no rows
    }
    const std::string flags = args.size() > 2 ? args[2].GetString() : std::string();
    pieces_ = RegexpSplit(args[0].GetString(), args[1].GetString(), flags, "regexp_split_to_table");
  }

  bool Next(Vector& column, idx_t row) override {
    if (next_ >= pieces_.size()) return false;
    column.SetString(row, pieces_[next_++]);
    return true;
  }

 private:
  std::vector<std::string> pieces_;
  size_t next_ = 0;
};

// unnest(array): the elements in order, NULL elements as NULL rows; a NULL array gives no rows.
class UnnestRun : public SetFunctionRun {
 public:
  explicit UnnestRun(const std::vector<Value>& args) {
    if (!args[0].is_null()) elements_ = ParseArrayElements(args[0].GetString());
  }

  bool Next(Vector& column, idx_t row) override {
    if (next_ >= elements_.size()) return false;
    const std::optional<std::string>& element = elements_[next_++];
    if (!element) {
      column.SetNull(row, true);
      return true;
    }
    switch (column.physical_type()) {
      case PhysicalType::kInt16: column.Data<int16_t>()[row] = text_format::ParseInt16(*element); break;
      case PhysicalType::kInt32: column.Data<int32_t>()[row] = text_format::ParseInt32(*element); break;
      case PhysicalType::kInt64: column.Data<int64_t>()[row] = text_format::ParseInt64(*element); break;
      case PhysicalType::kFloat32: column.Data<float>()[row] = text_format::ParseFloat32(*element); break;
      case PhysicalType::kFloat64: column.Data<double>()[row] = text_format::ParseFloat64(*element); break;
      default: column.SetString(row, *element); break;
    }
    return true;
  }

 private:
  std::vector<std::optional<std::string>> elements_;
  size_t next_ = 0;
};

}  // namespace

bool IsExecutableSetFunction(std::string_view name) {
  return name == "generate_series" || name == "regexp_split_to_table" || name == "unnest";
}

std::unique_ptr<SetFunctionRun> StartSetFunction(std::string_view name, const LogicalType& type,
                                                 const std::vector<Value>& args) {
  if (name == "generate_series") return std::make_unique<SeriesRun>(type, args);
  if (name == "regexp_split_to_table") return std::make_unique<SplitRun>(args);
  if (name == "unnest") return std::make_unique<UnnestRun>(args);
  throw SqlError(SqlState::kInternalError, "internal error: unknown set-returning function " + std::string(name));
}

}  // namespace tessera::engine
