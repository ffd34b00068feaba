// SPDX-License-Identifier: Apache-2.0
// Putting back the catalog changes of a prepared transaction rolled back after a restart.
#include "engine/prepared_catalog.h"

#include <algorithm>

namespace tessera::engine {

namespace {

bool Contains(const std::vector<uint32_t>& ids, uint32_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

// Drops the columns of `data` whose ids `keep` lacks (ALTER TABLE ... ADD COLUMN undone).
void DropAddedColumns(storage::TableData& data, const std::vector<uint32_t>& keep) {
  for (size_t position = data.column_ids().size(); position > 0; --position) {
    if (!Contains(keep, data.column_ids()[position - 1])) data.DropColumn(static_cast<int>(position - 1));
  }
}

void FillIndexes(const RelationInfo& relation) {
  for (const IndexInfo& index : relation.indexes) {
    ForEachIndexKey(*relation.data, index.columns,
                    [&index](const std::vector<Value>& key, storage::RowId row) { index.index->Insert(key, row); });
  }
}

}  // namespace

bool SharesStorage(const Catalog& catalog, const RelationImage& image) {
  if (!image.before || image.before->kind != RelationKind::kTable) return false;
  RelationPtr now = catalog.FindRelationByOid(image.oid);
  return now && now->data == image.before->data;
}

std::string UnloggableImage(const Catalog& catalog, const RelationImage& image) {
  if (!image.before || image.before->kind != RelationKind::kTable) return "";
  const storage::TableData& data = *image.before->data;
  if (!SharesStorage(catalog, image)) {
    return data.column_ids() == image.column_ids ? "" : "changed the columns of a table it then dropped or truncated";
  }
  for (size_t column = 0; column < image.column_ids.size(); ++column) {
    const auto& ids = data.column_ids();
    const auto found = std::find(ids.begin(), ids.end(), image.column_ids[column]);
    if (found == ids.end()) return "dropped a column";
    if (data.column_types()[found - ids.begin()] != image.before->columns[column].type) return "changed a column's type";
  }
  return "";
}

void RestoreImages(Catalog& catalog, const std::vector<RelationImage>& images, bool fill_indexes) {
  for (auto image = images.rbegin(); image != images.rend(); ++image) {
    if (!image->before) {
      catalog.DropRelation(image->oid);
      continue;
    }
    RelationPtr now = catalog.FindRelationByOid(image->oid);
    auto restored = std::make_shared<RelationInfo>(*image->before);
    try {
      catalog.PutRelation(restored, now != nullptr);
    } catch (const SqlError&) {
      // As SessionState::UndoTo: another relation took the name (or its schema went) meanwhile, as the
      // catalog has no isolation; the others are still put back, and recovery must not fail on it.
      continue;
    }
    if (restored->kind == RelationKind::kTable && now && now->data == restored->data) {
      DropAddedColumns(*restored->data, image->column_ids);
    }
    if (fill_indexes && restored->kind == RelationKind::kTable) FillIndexes(*restored);
  }
}

}  // namespace tessera::engine
