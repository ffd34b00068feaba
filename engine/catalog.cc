// SPDX-License-Identifier: Apache-2.0
// Catalog maps and lookups.
#include "engine/catalog.h"

#include <algorithm>

#include "base/error.h"

namespace tessera::engine {

namespace {

// Schemas every database has: PostgreSQL's, and Tessera's own.
void AddSystemSchemas(std::map<std::string, SchemaInfo>& schemas) {
  schemas.emplace("pg_catalog", SchemaInfo{kPgCatalogNamespaceOid, "pg_catalog"});
  schemas.emplace("public", SchemaInfo{kPublicNamespaceOid, "public"});
  schemas.emplace("information_schema", SchemaInfo{kInformationSchemaNamespaceOid, "information_schema"});
}

}  // namespace

Catalog::Catalog(int default_partitions) : default_partitions_(default_partitions) { AddSystemSchemas(schemas_); }

RelationPtr Catalog::FindRelation(const std::string& schema, const std::string& name,
                                  const std::vector<std::string>& search_path) const {
  std::shared_lock lock(mutex_);
  if (!schema.empty()) {
    auto found = relations_.find({schema, name});
    return found == relations_.end() ? nullptr : found->second;
  }
  for (const auto& candidate : search_path) {
    auto found = relations_.find({candidate, name});
    if (found != relations_.end()) return found->second;
  }
  return nullptr;
}

RelationPtr Catalog::FindRelationByOid(uint32_t oid) const {
  std::shared_lock lock(mutex_);
  for (const auto& [key, relation] : relations_) {
    if (relation->oid == oid) return relation;
  }
  return nullptr;
}

std::optional<SchemaInfo> Catalog::FindSchema(const std::string& name) const {
  std::shared_lock lock(mutex_);
  auto found = schemas_.find(name);
  if (found == schemas_.end()) return std::nullopt;
  return found->second;
}

RelationPtr Catalog::FindIndexOwner(const std::string& schema, const std::string& index_name,
                                    const std::vector<std::string>& search_path) const {
  std::shared_lock lock(mutex_);
  auto matches_schema = [&](const std::string& relation_schema) {
    if (!schema.empty()) return relation_schema == schema;
    for (const auto& candidate : search_path) {
      if (candidate == relation_schema) return true;
    }
    return false;
  };
  for (const auto& [key, relation] : relations_) {
    if (!matches_schema(relation->schema)) continue;
    for (const auto& index : relation->indexes) {
      if (index.name == index_name) return relation;
    }
  }
  return nullptr;
}

void Catalog::PutRelation(std::shared_ptr<RelationInfo> relation, bool replace) {
  std::unique_lock lock(mutex_);
  if (schemas_.find(relation->schema) == schemas_.end()) {
    throw SqlError(SqlState::kInvalidSchemaName, "schema \"" + relation->schema + "\" does not exist");
  }
  const auto key = std::make_pair(relation->schema, relation->name);
  auto found = relations_.find(key);
  if (found != relations_.end() && !(replace && found->second->oid == relation->oid)) {
    throw SqlError(SqlState::kDuplicateTable, "relation \"" + relation->name + "\" already exists");
  }
  // A rename leaves the old key behind: drop any entry with this oid under another name.
  for (auto it = relations_.begin(); it != relations_.end();) {
    if (it->second->oid == relation->oid && it->first != key) {
      it = relations_.erase(it);
    } else {
      ++it;
    }
  }
  if (relation->data != nullptr && relation->data->storage_id() == 0) relation->data->set_storage_id(AllocateOid());
  relations_[key] = std::move(relation);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void Catalog::Restore(const std::vector<SchemaInfo>& schemas,
                      const std::vector<std::shared_ptr<const RelationInfo>>& relations, uint32_t next_oid) {
  std::unique_lock lock(mutex_);
  schemas_.clear();
  for (const auto& schema : schemas) schemas_[schema.name] = schema;
  AddSystemSchemas(schemas_);  // checkpoints older than one of them
  if (cluster_schema_) schemas_.emplace("tessera", SchemaInfo{kTesseraNamespaceOid, "tessera"});
  relations_.clear();
  for (const auto& relation : relations) relations_[{relation->schema, relation->name}] = relation;
  next_oid_.store(next_oid);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void Catalog::DropRelation(uint32_t oid) {
  std::unique_lock lock(mutex_);
  for (auto it = relations_.begin(); it != relations_.end(); ++it) {
    if (it->second->oid == oid) {
      relations_.erase(it);
      break;
    }
  }
  version_.fetch_add(1, std::memory_order_acq_rel);
}

bool Catalog::SetPlacement(uint32_t oid, size_t partition, uint32_t worker_id) {
  std::unique_lock lock(mutex_);
  for (auto& [key, relation] : relations_) {
    if (relation->oid != oid) continue;
    if (partition >= relation->placement.size()) return false;
    auto moved = std::make_shared<RelationInfo>(*relation);
    moved->placement[partition] = worker_id;
    relation = std::move(moved);
    version_.fetch_add(1, std::memory_order_acq_rel);
    return true;
  }
  return false;
}

bool Catalog::ReplacePlacement(uint32_t oid, std::vector<uint32_t> placement) {
  std::unique_lock lock(mutex_);
  for (auto& [key, relation] : relations_) {
    if (relation->oid != oid) continue;
    auto changed = std::make_shared<RelationInfo>(*relation);
    changed->placement = std::move(placement);
    relation = std::move(changed);
    version_.fetch_add(1, std::memory_order_acq_rel);
    return true;
  }
  return false;
}

bool Catalog::CreateSchema(const std::string& name, bool if_not_exists) {
  std::unique_lock lock(mutex_);
  if (schemas_.count(name) != 0) {
    if (if_not_exists) return false;
    throw SqlError(SqlState::kDuplicateSchema, "schema \"" + name + "\" already exists");
  }
  schemas_[name] = SchemaInfo{next_oid_.fetch_add(1), name};
  version_.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

std::optional<DroppedSchema> Catalog::DropSchema(const std::string& name, bool if_exists, bool cascade) {
  std::unique_lock lock(mutex_);
  auto schema = schemas_.find(name);
  if (schema == schemas_.end()) {
    if (if_exists) return std::nullopt;
    throw SqlError(SqlState::kInvalidSchemaName, "schema \"" + name + "\" does not exist");
  }
  DroppedSchema dropped{schema->second, {}};
  for (const auto& [key, relation] : relations_) {
    if (key.first == name) dropped.relations.push_back(relation);
  }
  if (!dropped.relations.empty() && !cascade) {
    throw SqlError(SqlState::kDependentObjectsStillExist,
                   "cannot drop schema " + name + " because other objects depend on it")
        .WithHint("Use DROP ... CASCADE to drop the dependent objects too.");
  }
  for (const auto& relation : dropped.relations) relations_.erase({name, relation->name});
  schemas_.erase(schema);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return dropped;
}

void Catalog::RestoreSchema(const DroppedSchema& dropped) {
  std::unique_lock lock(mutex_);
  schemas_[dropped.schema.name] = dropped.schema;
  for (const auto& relation : dropped.relations) relations_[{relation->schema, relation->name}] = relation;
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::vector<RelationPtr> Catalog::AllRelations() const {
  std::shared_lock lock(mutex_);
  std::vector<RelationPtr> result;
  for (const auto& [key, relation] : relations_) result.push_back(relation);
  return result;
}

std::vector<SchemaInfo> Catalog::AllSchemas() const {
  std::shared_lock lock(mutex_);
  std::vector<SchemaInfo> result;
  for (const auto& [name, schema] : schemas_) result.push_back(schema);
  return result;
}

void Catalog::AddClusterSchema() {
  std::unique_lock lock(mutex_);
  cluster_schema_ = true;
  schemas_.emplace("tessera", SchemaInfo{kTesseraNamespaceOid, "tessera"});
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::string ShardTableName(uint32_t table_oid, size_t partition) {
  return "tessera_shards.t" + std::to_string(table_oid) + "_p" + std::to_string(partition);
}

std::vector<WorkerInfo> Catalog::Workers() const {
  std::shared_lock lock(mutex_);
  return workers_;
}

std::optional<WorkerInfo> Catalog::FindWorker(uint32_t id) const {
  std::shared_lock lock(mutex_);
  for (const WorkerInfo& worker : workers_) {
    if (worker.id == id) return worker;
  }
  return std::nullopt;
}

uint32_t Catalog::next_worker_id() const {
  std::shared_lock lock(mutex_);
  return next_worker_id_;
}

WorkerInfo Catalog::AddWorker(const std::string& host, int32_t port) {
  std::unique_lock lock(mutex_);
  for (const WorkerInfo& worker : workers_) {
    if (worker.host == host && worker.port == port) {
      throw SqlError(SqlState::kDuplicateObject, "worker \"" + worker.Name() + "\" already exists");
    }
  }
  WorkerInfo worker{next_worker_id_++, host, port};
  workers_.push_back(worker);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return worker;
}

WorkerInfo Catalog::RemoveWorker(const std::string& host, int32_t port) {
  std::unique_lock lock(mutex_);
  for (auto it = workers_.begin(); it != workers_.end(); ++it) {
    if (it->host == host && it->port == port) {
      for (const auto& [key, relation] : relations_) {
        if (std::find(relation->placement.begin(), relation->placement.end(), it->id) != relation->placement.end()) {
          throw SqlError(SqlState::kObjectNotInPrerequisiteState,
                         "worker \"" + it->Name() + "\" holds partitions of table \"" + relation->name + "\"");
        }
      }
      WorkerInfo removed = *it;
      workers_.erase(it);
      version_.fetch_add(1, std::memory_order_acq_rel);
      return removed;
    }
  }
  throw SqlError(SqlState::kUndefinedObject, "worker \"" + host + ":" + std::to_string(port) + "\" does not exist");
}

bool Catalog::SetWorkerDraining(uint32_t id, bool draining) {
  std::unique_lock lock(mutex_);
  for (WorkerInfo& worker : workers_) {
    if (worker.id != id) continue;
    worker.draining = draining;
    version_.fetch_add(1, std::memory_order_acq_rel);
    return true;
  }
  return false;
}

void Catalog::RestoreWorkers(std::vector<WorkerInfo> workers, uint32_t next_worker_id) {
  std::unique_lock lock(mutex_);
  workers_ = std::move(workers);
  next_worker_id_ = next_worker_id;
  version_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace tessera::engine
