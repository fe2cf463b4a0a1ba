// Direct-threaded internal code: the form the interpreter executes.
//
// The function compiler emits an opcode word per instruction (internal_ops.def).
// Threading replaces each opcode word by two words holding the address of the
// instruction's handler (little-endian), so dispatch is one load and an
// indirect jump instead of a table lookup: about one machine instruction per
// executed op (docs/PERFORMANCE.md). Operands follow unchanged. SIMD ops share
// one handler that needs the opcode, so theirs is kept after the address.
// Branch targets become the index of the target's second address word, which
// is where the interpreter's `ip` points while an instruction runs (so ip[1]
// is still the first operand).
#pragma once

#include <span>

#include "runtime/internal_code.h"

namespace warden {

// Handler addresses indexed by InternalOp (the interpreter's table).
using HandlerTable = std::span<const void* const>;

// Rewrites `fn.code` (opcode form, as compiled) into threaded form.
void threadCode(CompiledFunction& fn, HandlerTable handlers);

// The opcode form of a threaded function (for the disassembler). Handlers
// shared by several ops (SIMD) are resolved by the kept opcode.
CompiledFunction unthreadCode(const CompiledFunction& fn, HandlerTable handlers);

}  // namespace warden
