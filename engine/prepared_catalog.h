// SPDX-License-Identifier: Apache-2.0
// The catalog side of a prepared transaction that changed the schema (PREPARE TRANSACTION after DDL,
// engine/prepared_transactions.h). Its catalog changes stay published while it is prepared, as an open
// block's do (the catalog has no isolation). ROLLBACK PREPARED in the session's process runs the
// block's own undo actions; after a restart it puts back RelationImages, which checkpoints keep for
// every prepared transaction (storage/FORMAT.md, checkpoint version 6).
//
// What an image can put back: a relation the transaction created (dropped again), dropped or whose
// storage it replaced (TRUNCATE: the image keeps the old storage and its files), and metadata changes
// over the same storage, including columns added to it (dropped again). Columns dropped from or
// retyped in the storage the table keeps cannot be put back from a checkpoint: UnloggableImage says so
// and PREPARE TRANSACTION refuses them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/catalog.h"

namespace tessera::engine {

// A relation as it was before a prepared transaction first changed it.
struct RelationImage {
  uint32_t oid = 0;
  RelationPtr before;                // nullptr: the transaction created the relation
  std::vector<uint32_t> column_ids;  // a table's storage column ids then, in column order
};

// Whether `image`'s table keeps the storage of the relation now in `catalog` (changed in place).
bool SharesStorage(const Catalog& catalog, const RelationImage& image);

// Why `image` cannot be put back after a restart ("": it can), with the catalog as it is now.
std::string UnloggableImage(const Catalog& catalog, const RelationImage& image);

// Puts `images` back into `catalog`, newest first: drops created relations, drops the columns added to
// a shared storage and republishes the images. With `fill_indexes` the indexes of the tables put back
// are filled from their rows (recovery fills every index itself).
void RestoreImages(Catalog& catalog, const std::vector<RelationImage>& images, bool fill_indexes);

}  // namespace tessera::engine
