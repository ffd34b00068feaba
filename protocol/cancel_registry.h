// SPDX-License-Identifier: Apache-2.0
// CancelRegistry: maps the (process id, secret key) pairs sent in BackendKeyData to live sessions, so a
// CancelRequest arriving on another connection can stop a running statement.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <random>

namespace tessera::planner {
class Session;
}

namespace tessera::protocol {

struct BackendKey {
  int32_t process_id = 0;
  int32_t secret_key = 0;
};

// Thread safety: all methods may be called from any thread. Cancel() calls Session::RequestCancel()
// under the registry's lock, and Unregister() takes the same lock, so a session unregistered before it
// is destroyed is never touched after its destruction.
class CancelRegistry {
 public:
  CancelRegistry();

  // Assigns `session` a new process id (unique while registered) and a random secret key.
  // `session` must stay alive until Unregister().
  BackendKey Register(planner::Session* session);
  void Unregister(const BackendKey& key);

  // Requests cancellation of the session registered under `key`; returns false when no session matches
  // both the process id and the secret key (the request is then ignored, as PostgreSQL does).
  bool Cancel(const BackendKey& key);

  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<int32_t, std::pair<int32_t, planner::Session*>> sessions_;  // process id -> (key, session)
  int32_t next_process_id_;
  std::mt19937 random_;
};

}  // namespace tessera::protocol
