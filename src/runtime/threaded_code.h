// Direct-threaded internal code: the form the interpreter executes.
//
// The function compiler emits an opcode word per instruction (internal_ops.def).
// Threading replaces each opcode word by two words holding the address of the
// instruction's handler (little-endian), so dispatch is one load and an
// indirect jump instead of a table lookup: about one machine instruction per
// executed op (docs/PERFORMANCE.md). Operands follow unchanged. SIMD ops share
// one handler that needs the opcode, so theirs is kept after the address.
// The interpreter's `ip` points at an instruction's second address word while
// it runs (so ip[1] is still the first operand), and a branch target becomes
// the signed distance from the branch's `ip` to the target's: a branch is
// `ip += target`, and nothing needs the function's start (not kept in call
// frames; callgrind on fib.wasm: a store per call and a load per return less).
#pragma once

#include <span>

#include "runtime/internal_code.h"

namespace warden {

// Handler addresses indexed by InternalOp (the interpreter's table).
using HandlerTable = std::span<const void* const>;

// Rewrites `fn.code` (opcode form, as compiled) into threaded form.
void threadCode(CompiledFunction& fn, HandlerTable handlers);

// Threaded code made independent of where the handlers are (for a file):
// each handler address becomes its op's index in `handlers` (low word) and
// 0 (high word); returns where those pairs start, in order. relocateCode
// writes the addresses back: a pass over the pairs only, instead of
// threading again.
std::vector<uint32_t> unrelocateCode(std::vector<uint32_t>& threaded, HandlerTable handlers);
// False (code unchanged from there) when a position or index is out of range.
bool relocateCode(std::vector<uint32_t>& code, std::span<const uint32_t> handler_words, HandlerTable handlers);

// The opcode form of a threaded function (for the disassembler). Handlers
// shared by several ops (SIMD) are resolved by the kept opcode.
CompiledFunction unthreadCode(const CompiledFunction& fn, HandlerTable handlers);

}  // namespace warden
