// SPDX-License-Identifier: Apache-2.0
// The worker side of a repartition join (docs/CLUSTER.md, planner/distributed_joins.h):
//   tessera.repartition(shard text, columns text, key int4, targets text, destination text) -> int8
// reads columns `columns` ("0,2,5": column numbers of the shard table) of the local shard table
// `shard`, and sends each row, by the hash of its `key`-th sent column modulo the number of targets, to
// one of `targets` ("host:port,host:port,...": workers), appending it with binary COPY to the table
// `destination` there; returns the rows sent. Only user tessera_cluster (a coordinator) may call it, on
// a worker, as it logs in to other workers with the cluster secret.
#pragma once

#include "engine/function/scalar_function.h"

namespace tessera::planner {

void RegisterRepartitionFunction(engine::FunctionRegistry& registry);

}  // namespace tessera::planner
