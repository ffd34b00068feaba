// SPDX-License-Identifier: Apache-2.0
// The checkpoint file (DATA/checkpoint; format: storage/FORMAT.md, "## Checkpoint file"): the catalog
// (schemas, tables, views, sequences, indexes), each table's storage (storage id, partitions, column ids,
// the segment file holding its rows), the next OID, and the WAL position the checkpoint covers. Recovery
// starts from it and replays the WAL after `wal_lsn`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "engine/catalog.h"
#include "engine/prepared_catalog.h"
#include "engine/prepared_transactions.h"

namespace tessera::engine {

inline constexpr uint32_t kCheckpointMagic = 0x504B4354;  // "TCKP" little-endian
inline constexpr uint32_t kCheckpointFormatVersion = 6;

// The files (names within DATA/tables) that hold a table's rows at a checkpoint.
struct TableFiles {
  // Frozen row groups: per segment file its partition and first row group, in row group order.
  struct Frozen {
    uint32_t partition = 0;
    uint64_t first_group = 0;
    std::string name;
  };
  std::vector<Frozen> frozen;
  std::string deleted;  // the frozen rows dead at the checkpoint, as one bigint column ("": none)
  std::string delta;    // the delta's rows visible at the checkpoint, with their row ids ("": none)

  bool empty() const { return frozen.empty() && deleted.empty() && delta.empty(); }
};

struct CheckpointContents {
  uint64_t wal_lsn = 0;  // every commit logged at or before it is in the checkpoint
  // Transactions that logged records ahead (engine/durability.h) and had not committed at the
  // checkpoint, and the LSN from which the WAL must be kept and read for them (<= wal_lsn + 1).
  std::vector<uint64_t> logged_ahead;
  uint64_t replay_lsn = 1;
  uint32_t next_oid = kFirstUserOid;
  std::vector<SchemaInfo> schemas;
  // Encoding reads them; decoding makes them, each table with empty storage (TableData) of its recorded
  // partitions, storage id and column ids, and each sequence with its recorded state.
  std::vector<std::shared_ptr<const RelationInfo>> relations;
  // Table storage id -> the files with its rows; none when it had none.
  std::map<uint32_t, TableFiles> tables;
  // Sequence oid -> the state to write for it (encoding; decoded sequences carry theirs in `relations`).
  struct SequenceValue {
    int64_t next = 1;
    bool called = false;
  };
  std::map<uint32_t, SequenceValue> sequence_values;
  // Cluster metadata (coordinator; since version 3).
  std::vector<WorkerInfo> workers;
  uint32_t next_worker_id = 1;
  // Prepared transactions (two-phase commit; since version 4), each also listed in `logged_ahead`.
  struct Prepared {
    uint64_t txn_id = 0;
    PreparedInfo info;
  };
  std::vector<Prepared> prepared;
  // Coordinator (since version 5): the gids of distributed transactions decided committed whose workers
  // may still hold them prepared (engine/distributed.h).
  std::vector<std::string> commit_decisions;
  // Prepared transactions that changed the schema (since version 6): the images that undo their catalog
  // changes (engine/prepared_catalog.h). Decoding leaves a shared image's `before->data` empty: it is
  // the live table's storage, which has the same oid. Tables with their own storage have their files
  // in `tables` as the catalog's do.
  struct PreparedCatalog {
    uint64_t txn_id = 0;
    bool rolled_back = false;  // its ROLLBACK PREPARED is logged: recovery puts the images back
    std::vector<RelationImage> images;
    std::vector<bool> shared;  // per image: a table over the live table's storage (SharesStorage)
  };
  std::vector<PreparedCatalog> prepared_catalog;
};

std::string EncodeCheckpoint(const CheckpointContents& contents);
// Damage is XX001 naming `path`; a newer format 0A000.
Status DecodeCheckpoint(std::string_view bytes, const std::string& path, CheckpointContents* contents);

}  // namespace tessera::engine
