// SPDX-License-Identifier: Apache-2.0
// CancelRegistry: process ids and secret keys for BackendKeyData and CancelRequest.
#include "protocol/cancel_registry.h"

#include <unistd.h>

#include "planner/session.h"

namespace tessera::protocol {

CancelRegistry::CancelRegistry() : random_(std::random_device{}()) {
  // Start process ids near the server's own pid so they look like PostgreSQL backend pids in logs.
  next_process_id_ = static_cast<int32_t>(getpid() % 1000000) * 10 + 1;
}

BackendKey CancelRegistry::Register(planner::Session* session) {
  std::lock_guard lock(mutex_);
  BackendKey key;
  do {
    key.process_id = next_process_id_;
    next_process_id_ = next_process_id_ == INT32_MAX ? 1 : next_process_id_ + 1;
  } while (sessions_.count(key.process_id) > 0);
  key.secret_key = static_cast<int32_t>(random_());
  sessions_[key.process_id] = {key.secret_key, session};
  return key;
}

void CancelRegistry::Unregister(const BackendKey& key) {
  std::lock_guard lock(mutex_);
  sessions_.erase(key.process_id);
}

bool CancelRegistry::Cancel(const BackendKey& key) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(key.process_id);
  if (found == sessions_.end() || found->second.first != key.secret_key) return false;
  found->second.second->RequestCancel();
  return true;
}

size_t CancelRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace tessera::protocol
