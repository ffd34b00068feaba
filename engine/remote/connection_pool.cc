// SPDX-License-Identifier: Apache-2.0
// Idle worker connections kept for reuse.
#include "engine/remote/connection_pool.h"

#include <utility>

namespace tessera::remote {

std::string ConnectionPool::Key(const RemoteEndpoint& endpoint) {
  return endpoint.Name() + "/" + endpoint.user + "/" + endpoint.dbname;
}

RemoteConnection ConnectionPool::Acquire(const RemoteEndpoint& endpoint, std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(mutex_);
    auto& idle = idle_[Key(endpoint)];
    while (!idle.empty()) {
      RemoteConnection connection = std::move(idle.back());
      idle.pop_back();
      if (connection.ReusableNow() && connection.endpoint().password == endpoint.password) return connection;
    }
  }
  return RemoteConnection::Connect(endpoint, timeout);
}

void ConnectionPool::Release(RemoteConnection connection) {
  if (!connection.ReusableNow()) return;
  std::lock_guard lock(mutex_);
  auto& idle = idle_[Key(connection.endpoint())];
  if (idle.size() < kMaxIdlePerEndpoint) idle.push_back(std::move(connection));
}

}  // namespace tessera::remote
