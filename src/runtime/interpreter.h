// The interpreter tier: runs a function's internal code (internal_ops.def).
#pragma once

#include <span>

#include "runtime/error.h"
#include "runtime/exec_context.h"
#include "runtime/objects.h"
#include "runtime/threaded_code.h"

namespace warden {

class Store;

// Calls `func` (Wasm or host) with `args`, writing its results to `results`
// (sizes must match the function type; the caller checks types). Re-entrant:
// a host function may call back into Wasm on the same context. Every trap and
// limit hit comes back as an Error; the host is never taken down.
Expect<void> invokeFunction(Store& store, ExecContext& ctx, const FunctionInstance& func,
                            std::span<const Value> args, std::span<Value> results);

// The interpreter's handler addresses, indexed by InternalOp.
HandlerTable interpreterHandlers();

// Turns compiled code into the threaded form invokeFunction runs (every
// function must go through this once, after compileFunction).
void threadForInterpreter(CompiledFunction& fn);

}  // namespace warden
