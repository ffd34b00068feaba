// SPDX-License-Identifier: Apache-2.0
// COPY binding and execution entry points shared by session.cc and copy.cc (private to planner/).
#pragma once

#include <memory>

#include "engine/exec_context.h"
#include "planner/ast.h"
#include "planner/copy.h"
#include "planner/utility.h"

namespace tessera::planner {

class Binder;

// Fills `bound` for a COPY statement: its CopySpec, tag "COPY", and a plan (COPY TO: the rows to send;
// COPY FROM: an INSERT reading bound.copy_source). Throws for bad options, server files and unknown
// tables or columns, with PostgreSQL's messages.
void BindCopy(Binder& binder, const ast::CopyStatement& copy, BoundStatement& bound);

// Runs COPY FROM's insert plan once per batch of rows. REQUIRES: bound->copy && bound->copy->from.
std::unique_ptr<CopyInserter> MakeCopyInserter(std::shared_ptr<BoundStatement> bound,
                                               std::unique_ptr<engine::ExecContext> context);

}  // namespace tessera::planner
