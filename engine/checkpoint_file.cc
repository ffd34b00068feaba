// SPDX-License-Identifier: Apache-2.0
// Encoding and decoding of the checkpoint file: magic, version, the body, and a CRC-32C over all before it.
#include "engine/checkpoint_file.h"

#include "simd/crc32c.h"
#include "storage/encoding/byte_io.h"

namespace tessera::engine {

namespace {

using storage::ByteReader;
using storage::ByteWriter;

void PutType(ByteWriter& out, const LogicalType& type) {
  out.Put(static_cast<uint16_t>(type.id));
  out.Put(type.typmod);
  out.Put(type.oid_flavour);
}

bool GetType(ByteReader& in, LogicalType* type) {
  uint16_t id = 0;
  if (!in.Get(&id) || !in.Get(&type->typmod) || !in.Get(&type->oid_flavour)) return false;
  type->id = static_cast<TypeId>(id);
  return true;
}

void PutColumns(ByteWriter& out, const std::vector<ColumnInfo>& columns) {
  out.Put(static_cast<uint32_t>(columns.size()));
  for (const auto& column : columns) {
    out.PutString(column.name);
    PutType(out, column.type);
    out.Put(static_cast<uint8_t>(column.not_null));
    out.PutString(column.default_sql);
    out.PutString(column.sequence_name);
  }
}

bool GetColumns(ByteReader& in, std::vector<ColumnInfo>* columns) {
  uint32_t count = 0;
  if (!in.Get(&count)) return false;
  for (uint32_t index = 0; index < count; ++index) {
    ColumnInfo column;
    uint8_t not_null = 0;
    if (!in.GetString(&column.name) || !GetType(in, &column.type) || !in.Get(&not_null) ||
        !in.GetString(&column.default_sql) || !in.GetString(&column.sequence_name)) {
      return false;
    }
    column.not_null = not_null != 0;
    columns->push_back(std::move(column));
  }
  return true;
}

void PutIndexes(ByteWriter& out, const std::vector<IndexInfo>& indexes) {
  out.Put(static_cast<uint32_t>(indexes.size()));
  for (const auto& index : indexes) {
    out.Put(index.oid);
    out.PutString(index.name);
    out.Put(static_cast<uint32_t>(index.columns.size()));
    for (size_t key = 0; key < index.columns.size(); ++key) {
      out.Put(static_cast<int32_t>(index.columns[key]));
      out.Put(static_cast<uint8_t>(index.descending[key]));
    }
    out.Put(static_cast<uint8_t>(index.unique | (index.primary << 1) | (index.constraint << 2)));
  }
}

bool GetIndexes(ByteReader& in, std::vector<IndexInfo>* indexes) {
  uint32_t count = 0;
  if (!in.Get(&count)) return false;
  for (uint32_t number = 0; number < count; ++number) {
    IndexInfo index;
    uint32_t keys = 0;
    if (!in.Get(&index.oid) || !in.GetString(&index.name) || !in.Get(&keys)) return false;
    for (uint32_t key = 0; key < keys; ++key) {
      int32_t column = 0;
      uint8_t descending = 0;
      if (!in.Get(&column) || !in.Get(&descending)) return false;
      index.columns.push_back(column);
      index.descending.push_back(descending != 0);
    }
    uint8_t flags = 0;
    if (!in.Get(&flags)) return false;
    index.unique = flags & 1;
    index.primary = flags & 2;
    index.constraint = flags & 4;
    index.index = std::make_shared<Index>();
    indexes->push_back(std::move(index));
  }
  return true;
}

void PutSequence(ByteWriter& out, const SequenceState& sequence, const CheckpointContents::SequenceValue& value) {
  out.Put(value.next);
  out.Put(static_cast<uint8_t>(value.called));
  out.Put(sequence.increment);
  out.Put(sequence.min_value);
  out.Put(sequence.max_value);
  out.Put(sequence.start);
  out.Put(static_cast<uint8_t>(sequence.cycle));
}

bool GetSequence(ByteReader& in, SequenceState* sequence) {
  uint8_t called = 0;
  uint8_t cycle = 0;
  if (!in.Get(&sequence->next) || !in.Get(&called) || !in.Get(&sequence->increment) ||
      !in.Get(&sequence->min_value) || !in.Get(&sequence->max_value) || !in.Get(&sequence->start) ||
      !in.Get(&cycle)) {
    return false;
  }
  sequence->called = called != 0;
  sequence->cycle = cycle != 0;
  return true;
}

void PutStorage(ByteWriter& out, const storage::TableData& data, const TableFiles& files) {
  out.Put(data.storage_id());
  out.Put(static_cast<uint32_t>(data.num_partitions()));
  out.Put(data.next_column_id());
  for (uint32_t id : data.column_ids()) out.Put(id);
  out.Put(static_cast<uint32_t>(data.sort_column_ids().size()));
  for (uint32_t id : data.sort_column_ids()) out.Put(id);
  out.PutString(files.delta);
  out.PutString(files.deleted);
  out.Put(static_cast<uint32_t>(files.frozen.size()));
  for (const auto& frozen : files.frozen) {
    out.Put(frozen.partition);
    out.Put(frozen.first_group);
    out.PutString(frozen.name);
  }
}

bool GetFiles(ByteReader& in, uint32_t version, TableFiles* files) {
  if (!in.GetString(&files->delta)) return false;
  if (version < 2) return true;  // version 1: the delta holds every row
  uint32_t count = 0;
  if (!in.GetString(&files->deleted) || !in.Get(&count)) return false;
  for (uint32_t index = 0; index < count; ++index) {
    TableFiles::Frozen frozen;
    if (!in.Get(&frozen.partition) || !in.Get(&frozen.first_group) || !in.GetString(&frozen.name)) return false;
    files->frozen.push_back(std::move(frozen));
  }
  return true;
}

bool GetStorage(ByteReader& in, uint32_t version, RelationInfo* relation, TableFiles* files) {
  uint32_t storage_id = 0;
  uint32_t partitions = 0;
  uint32_t next_column_id = 0;
  if (!in.Get(&storage_id) || !in.Get(&partitions) || !in.Get(&next_column_id)) return false;
  if (partitions == 0 || partitions > 4096) return false;
  std::vector<uint32_t> column_ids(relation->columns.size());
  for (auto& id : column_ids) {
    if (!in.Get(&id)) return false;
  }
  std::vector<uint32_t> sort_column_ids;
  if (version >= 3) {
    uint32_t count = 0;
    if (!in.Get(&count) || count > column_ids.size()) return false;
    sort_column_ids.resize(count);
    for (auto& id : sort_column_ids) {
      if (!in.Get(&id)) return false;
    }
  }
  if (!GetFiles(in, version, files)) return false;
  std::vector<LogicalType> types;
  for (const auto& column : relation->columns) types.push_back(column.type);
  relation->data = std::make_shared<storage::TableData>(std::move(types), static_cast<int>(partitions),
                                                        relation->shard_column);
  relation->data->set_storage_id(storage_id);
  relation->data->SetColumnIds(std::move(column_ids), next_column_id);
  relation->data->SetSortColumnIds(std::move(sort_column_ids));
  return true;
}

// A relation's fields before its kind's own (storage, sequence state).
void PutRelationHeader(ByteWriter& out, const RelationInfo& relation) {
  out.Put(relation.oid);
  out.Put(static_cast<uint8_t>(relation.kind));
  out.PutString(relation.schema);
  out.PutString(relation.name);
  PutColumns(out, relation.columns);
  PutIndexes(out, relation.indexes);
  out.Put(static_cast<uint32_t>(relation.options.size()));
  for (const auto& [key, value] : relation.options) {
    out.PutString(key);
    out.PutString(value);
  }
  out.Put(static_cast<int32_t>(relation.shard_column));
  out.PutString(relation.view_sql);
  out.Put(static_cast<uint32_t>(relation.placement.size()));
  for (uint32_t worker : relation.placement) out.Put(worker);
}

void PutRelation(ByteWriter& out, const RelationInfo& relation, const CheckpointContents& contents) {
  PutRelationHeader(out, relation);
  switch (relation.kind) {
    case RelationKind::kTable: {
      auto files = contents.tables.find(relation.data->storage_id());
      PutStorage(out, *relation.data, files == contents.tables.end() ? TableFiles() : files->second);
      break;
    }
    case RelationKind::kSequence: {
      auto value = contents.sequence_values.find(relation.oid);
      PutSequence(out, *relation.sequence,
                  value == contents.sequence_values.end() ? CheckpointContents::SequenceValue{} : value->second);
      break;
    }
    case RelationKind::kView:
      break;
  }
}

bool GetRelationHeader(ByteReader& in, uint32_t version, RelationInfo* relation) {
  uint8_t kind = 0;
  if (!in.Get(&relation->oid) || !in.Get(&kind) || kind > static_cast<uint8_t>(RelationKind::kSequence) ||
      !in.GetString(&relation->schema) || !in.GetString(&relation->name) || !GetColumns(in, &relation->columns) ||
      !GetIndexes(in, &relation->indexes)) {
    return false;
  }
  relation->kind = static_cast<RelationKind>(kind);
  uint32_t options = 0;
  if (!in.Get(&options)) return false;
  for (uint32_t index = 0; index < options; ++index) {
    std::string key;
    std::string value;
    if (!in.GetString(&key) || !in.GetString(&value)) return false;
    relation->options.emplace_back(std::move(key), std::move(value));
  }
  int32_t shard_column = -1;
  if (!in.Get(&shard_column) || !in.GetString(&relation->view_sql)) return false;
  relation->shard_column = shard_column;
  if (version >= 3) {
    uint32_t partitions = 0;
    if (!in.Get(&partitions) || partitions > 1u << 20) return false;
    relation->placement.resize(partitions);
    for (uint32_t& worker : relation->placement) {
      if (!in.Get(&worker)) return false;
    }
  }
  return true;
}

// Reads a relation as PutRelation wrote it; a table's files go to contents->tables.
bool GetRelation(ByteReader& in, uint32_t version, CheckpointContents* contents,
                 std::shared_ptr<RelationInfo>* read) {
  auto relation = std::make_shared<RelationInfo>();
  if (!GetRelationHeader(in, version, relation.get())) return false;
  switch (relation->kind) {
    case RelationKind::kTable: {
      TableFiles files;
      if (!GetStorage(in, version, relation.get(), &files)) return false;
      if (!files.empty()) contents->tables[relation->data->storage_id()] = std::move(files);
      break;
    }
    case RelationKind::kSequence:
      relation->sequence = std::make_shared<SequenceState>();
      if (!GetSequence(in, relation->sequence.get())) return false;
      break;
    case RelationKind::kView:
      break;
  }
  *read = std::move(relation);
  return true;
}

// The prepared transactions section (version 4): count, then per transaction its id, gid, owner,
// database and prepared time.
void PutPrepared(ByteWriter& out, const std::vector<CheckpointContents::Prepared>& prepared) {
  out.Put(static_cast<uint32_t>(prepared.size()));
  for (const auto& transaction : prepared) {
    out.Put(transaction.txn_id);
    out.PutString(transaction.info.gid);
    out.PutString(transaction.info.owner);
    out.PutString(transaction.info.database);
    out.Put(transaction.info.prepared_at);
  }
}

bool GetPrepared(ByteReader& in, std::vector<CheckpointContents::Prepared>* prepared) {
  uint32_t count = 0;
  if (!in.Get(&count)) return false;
  for (uint32_t index = 0; index < count; ++index) {
    CheckpointContents::Prepared transaction;
    if (!in.Get(&transaction.txn_id) || !in.GetString(&transaction.info.gid) ||
        !in.GetString(&transaction.info.owner) || !in.GetString(&transaction.info.database) ||
        !in.Get(&transaction.info.prepared_at)) {
      return false;
    }
    prepared->push_back(std::move(transaction));
  }
  return true;
}

// The catalog images of prepared transactions (version 6): count, then per transaction its id,
// rolled back (1), image count, and per image oid, kind (0 created, 1 a relation with its own storage,
// 2 a table over the live table's storage: the relation's fields and its storage column ids).
void PutPreparedCatalog(ByteWriter& out, const CheckpointContents& contents) {
  out.Put(static_cast<uint32_t>(contents.prepared_catalog.size()));
  for (const auto& transaction : contents.prepared_catalog) {
    out.Put(transaction.txn_id);
    out.Put(static_cast<uint8_t>(transaction.rolled_back));
    out.Put(static_cast<uint32_t>(transaction.images.size()));
    for (size_t number = 0; number < transaction.images.size(); ++number) {
      const RelationImage& image = transaction.images[number];
      out.Put(image.oid);
      const uint8_t kind = !image.before ? 0 : transaction.shared[number] ? 2 : 1;
      out.Put(kind);
      if (kind == 1) PutRelation(out, *image.before, contents);
      if (kind != 2) continue;
      PutRelationHeader(out, *image.before);
      out.Put(static_cast<uint32_t>(image.column_ids.size()));
      for (uint32_t id : image.column_ids) out.Put(id);
    }
  }
}

bool GetImage(ByteReader& in, uint32_t version, CheckpointContents* contents, CheckpointContents::PreparedCatalog* transaction) {
  RelationImage image;
  uint8_t kind = 0;
  if (!in.Get(&image.oid) || !in.Get(&kind) || kind > 2) return false;
  std::shared_ptr<RelationInfo> relation;
  if (kind == 1) {
    if (!GetRelation(in, version, contents, &relation)) return false;
    if (relation->data) image.column_ids = relation->data->column_ids();
  } else if (kind == 2) {
    relation = std::make_shared<RelationInfo>();
    uint32_t count = 0;
    if (!GetRelationHeader(in, version, relation.get()) || relation->kind != RelationKind::kTable || !in.Get(&count) ||
        count != relation->columns.size()) {
      return false;
    }
    image.column_ids.resize(count);
    for (uint32_t& id : image.column_ids) {
      if (!in.Get(&id)) return false;
    }
  }
  image.before = std::move(relation);
  transaction->images.push_back(std::move(image));
  transaction->shared.push_back(kind == 2);
  return true;
}

bool GetPreparedCatalog(ByteReader& in, uint32_t version, CheckpointContents* contents) {
  uint32_t count = 0;
  if (!in.Get(&count)) return false;
  for (uint32_t index = 0; index < count; ++index) {
    CheckpointContents::PreparedCatalog transaction;
    uint8_t rolled_back = 0;
    uint32_t images = 0;
    if (!in.Get(&transaction.txn_id) || !in.Get(&rolled_back) || rolled_back > 1 || !in.Get(&images)) return false;
    transaction.rolled_back = rolled_back != 0;
    for (uint32_t image = 0; image < images; ++image) {
      if (!GetImage(in, version, contents, &transaction)) return false;
    }
    contents->prepared_catalog.push_back(std::move(transaction));
  }
  return true;
}

}  // namespace

std::string EncodeCheckpoint(const CheckpointContents& contents) {
  ByteWriter out;
  out.Put(kCheckpointMagic);
  out.Put(kCheckpointFormatVersion);
  out.Put(contents.wal_lsn);
  out.Put(contents.next_oid);
  out.Put(static_cast<uint32_t>(contents.schemas.size()));
  for (const auto& schema : contents.schemas) {
    out.Put(schema.oid);
    out.PutString(schema.name);
  }
  out.Put(static_cast<uint32_t>(contents.relations.size()));
  for (const auto& relation : contents.relations) PutRelation(out, *relation, contents);
  out.Put(contents.replay_lsn);
  out.Put(static_cast<uint32_t>(contents.logged_ahead.size()));
  for (uint64_t txn_id : contents.logged_ahead) out.Put(txn_id);
  out.Put(contents.next_worker_id);
  out.Put(static_cast<uint32_t>(contents.workers.size()));
  for (const auto& worker : contents.workers) {
    out.Put(worker.id);
    out.PutString(worker.host);
    out.Put(worker.port);
    out.Put(static_cast<uint8_t>(worker.draining));
  }
  PutPrepared(out, contents.prepared);
  out.Put(static_cast<uint32_t>(contents.commit_decisions.size()));
  for (const std::string& gid : contents.commit_decisions) out.PutString(gid);
  PutPreparedCatalog(out, contents);
  out.Put(simd::Crc32c(out.bytes().data(), out.size()));
  return std::move(out.bytes());
}

Status DecodeCheckpoint(std::string_view bytes, const std::string& path, CheckpointContents* contents) {
  auto corrupt = [&path](const std::string& problem) {
    return Status(SqlState::kDataCorrupted, "checkpoint file \"" + path + "\" is corrupt: " + problem);
  };
  if (bytes.size() < 12) return corrupt("it is too short");
  const size_t body_size = bytes.size() - sizeof(uint32_t);
  uint32_t crc = 0;
  ByteReader trailer(bytes.substr(body_size));
  trailer.Get(&crc);
  if (crc != simd::Crc32c(bytes.data(), body_size)) return corrupt("checksum mismatch");
  ByteReader in(bytes.substr(0, body_size));
  uint32_t magic = 0;
  uint32_t version = 0;
  in.Get(&magic);
  in.Get(&version);
  if (magic != kCheckpointMagic) return corrupt("bad magic number");
  if (version < 1 || version > kCheckpointFormatVersion) {
    return Status(SqlState::kFeatureNotSupported,
                  "checkpoint format version " + std::to_string(version) + " in \"" + path + "\" is not supported");
  }
  uint32_t schemas = 0;
  if (!in.Get(&contents->wal_lsn) || !in.Get(&contents->next_oid) || !in.Get(&schemas)) return corrupt("truncated header");
  for (uint32_t index = 0; index < schemas; ++index) {
    SchemaInfo schema;
    if (!in.Get(&schema.oid) || !in.GetString(&schema.name)) return corrupt("truncated schema list");
    contents->schemas.push_back(std::move(schema));
  }
  uint32_t relations = 0;
  if (!in.Get(&relations)) return corrupt("truncated relation list");
  for (uint32_t index = 0; index < relations; ++index) {
    std::shared_ptr<RelationInfo> relation;
    if (!GetRelation(in, version, contents, &relation)) return corrupt("relation " + std::to_string(index) + " is malformed");
    contents->relations.push_back(std::move(relation));
  }
  contents->replay_lsn = contents->wal_lsn + 1;
  if (version >= 3) {
    uint32_t logged_ahead = 0;
    if (!in.Get(&contents->replay_lsn) || !in.Get(&logged_ahead) || contents->replay_lsn > contents->wal_lsn + 1) {
      return corrupt("bad replay position");
    }
    for (uint32_t index = 0; index < logged_ahead; ++index) {
      uint64_t txn_id = 0;
      if (!in.Get(&txn_id)) return corrupt("truncated list of transactions logged ahead");
      contents->logged_ahead.push_back(txn_id);
    }
    uint32_t workers = 0;
    if (!in.Get(&contents->next_worker_id) || !in.Get(&workers)) return corrupt("truncated worker list");
    for (uint32_t index = 0; index < workers; ++index) {
      WorkerInfo worker;
      if (!in.Get(&worker.id) || !in.GetString(&worker.host) || !in.Get(&worker.port)) {
        return corrupt("truncated worker list");
      }
      uint8_t draining = 0;
      if (version >= 6 && !in.Get(&draining)) return corrupt("truncated worker list");
      worker.draining = draining != 0;
      contents->workers.push_back(std::move(worker));
    }
  }
  if (version >= 4 && !GetPrepared(in, &contents->prepared)) return corrupt("truncated list of prepared transactions");
  if (version >= 5) {
    uint32_t decisions = 0;
    if (!in.Get(&decisions)) return corrupt("truncated list of commit decisions");
    for (uint32_t index = 0; index < decisions; ++index) {
      std::string gid;
      if (!in.GetString(&gid)) return corrupt("truncated list of commit decisions");
      contents->commit_decisions.push_back(std::move(gid));
    }
  }
  if (version >= 6 && !GetPreparedCatalog(in, version, contents)) {
    return corrupt("malformed catalog images of prepared transactions");
  }
  if (!in.AtEnd()) return corrupt("trailing bytes");
  return Status::Ok();
}

}  // namespace tessera::engine
