// SPDX-License-Identifier: Apache-2.0
// Connection::Portal: a bound statement (Bind) with its parameter values, result formats and, once
// executed, its cursor and the unsent rows of the current batch. Private to protocol/'s .cc files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/value.h"
#include "planner/session.h"
#include "protocol/connection.h"

namespace tessera::protocol {

struct Connection::Portal {
  std::shared_ptr<planner::PreparedStatement> statement;
  std::vector<Value> parameters;       // moved into Session::Execute at the first Execute
  std::vector<int16_t> result_formats;  // one per result column
  RowSource rows;                       // rows.cursor is set from the first Execute on
  bool done = false;                    // ran to completion (or failed): a later Execute cannot run it
};

}  // namespace tessera::protocol
