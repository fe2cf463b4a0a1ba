// The interpreter's internal code: what a validated function body is
// translated into once, and what the interpreter executes.
// The instruction set and operand layout are documented in internal_ops.def.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

enum class InternalOp : uint32_t {
#define OP(name, operands, text) name,
#include "runtime/internal_ops.def"
#undef OP
  Count_
};

// Number of operand words that follow the opcode word at `operands[-1]`
// (BrTable: 2 + count + 1; every other op: its fixed count). Inline: the
// threading pass asks once per instruction of every function at start-up.
inline constexpr uint8_t kInternalOperandCounts[] = {
#define OP(name, operands, text) operands,
#include "runtime/internal_ops.def"
#undef OP
};
inline uint32_t internalOperandCount(InternalOp op, const uint32_t* operands) {
  if (op == InternalOp::BrTable) return 2 + operands[1] + 1;
  if (op == InternalOp::Removed) return operands[0];
  return kInternalOperandCounts[static_cast<uint32_t>(op)];
}
std::string_view internalOpName(InternalOp op);

struct CompiledFunction {
  std::vector<uint32_t> code;
  uint32_t type_index = 0;    // module type index
  // All counts are in 8-byte slots, not values: a v128 takes two slots (see
  // internal_ops.def), so these equal the value counts only without v128.
  uint32_t num_params = 0;    // slots of the parameters
  uint32_t num_results = 0;   // slots of the results
  uint32_t num_locals = 0;    // slots of parameters + declared locals
  uint32_t frame_size = 0;    // num_locals + the maximum operand-stack height, in slots
  uint32_t defined_index = 0; // which defined function of the module
  bool lazy_stub = false;     // a placeholder that compiles the body on first call (lazy_bodies.h)
  bool threaded = false;      // `code` holds handler addresses, not opcodes (threaded_code.h)
};

// Human-readable listing of internal code, one instruction per line.
std::string disassemble(const CompiledFunction& fn);

}  // namespace warden
