#include "runtime/internal_code.h"

#include <fmt/format.h>

namespace warden {

namespace {
constexpr std::string_view kNames[] = {
#define OP(name, operands, text) text,
#include "runtime/internal_ops.def"
#undef OP
};
}  // namespace

std::string_view internalOpName(InternalOp op) {
  auto i = static_cast<uint32_t>(op);
  return i < static_cast<uint32_t>(InternalOp::Count_) ? kNames[i] : "<bad op>";
}

std::string disassemble(const CompiledFunction& fn) {
  std::string out = fmt::format("; params {} locals {} frame {} results {}\n", fn.num_params,
                                fn.num_locals, fn.frame_size, fn.num_results);
  size_t pc = 0;
  while (pc < fn.code.size()) {
    auto op = static_cast<InternalOp>(fn.code[pc]);
    if (fn.code[pc] >= static_cast<uint32_t>(InternalOp::Count_)) {
      out += fmt::format("{:5}: <bad op {}>\n", pc, fn.code[pc]);
      break;
    }
    uint32_t n = internalOperandCount(op, &fn.code[pc + 1]);
    out += fmt::format("{:5}: {}", pc, internalOpName(op));
    for (uint32_t i = 0; i < n && pc + 1 + i < fn.code.size(); ++i) out += fmt::format(" {}", fn.code[pc + 1 + i]);
    out += '\n';
    pc += 1 + n;
  }
  return out;
}

}  // namespace warden
