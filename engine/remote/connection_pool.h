// SPDX-License-Identifier: Apache-2.0
// ConnectionPool: idle connections to workers kept for the next statement, so that a statement does not
// pay a login (a TCP handshake and SCRAM's key derivation on both sides) per worker it touches.
//
// Acquire hands out an idle connection to the endpoint that is still usable (RemoteConnection::
// ReusableNow: open, outside a transaction, its worker still there) or connects a new one; Release keeps
// a connection only if it is reusable, up to kMaxIdlePerEndpoint per endpoint.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/remote/remote_connection.h"

namespace tessera::remote {

class ConnectionPool {
 public:
  static constexpr size_t kMaxIdlePerEndpoint = 8;

  RemoteConnection Acquire(const RemoteEndpoint& endpoint, std::chrono::milliseconds timeout);
  void Release(RemoteConnection connection);

 private:
  static std::string Key(const RemoteEndpoint& endpoint);

  std::mutex mutex_;
  std::map<std::string, std::vector<RemoteConnection>> idle_;  // GUARDED_BY(mutex_)
};

}  // namespace tessera::remote
