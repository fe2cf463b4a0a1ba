#include "runtime/internal_code.h"

#include <array>
#include <cstdint>

#include <fmt/format.h>

namespace warden {

namespace {

// The names as one block of text and offsets into it, not an array of
// pointers: warden is a static PIE, and a pointer table (10 KB here) is
// relocated, so its pages written, at the start of every process.
constexpr char kNameText[] =
#define OP(name, operands, text) text "\0"
#include "runtime/internal_ops.def"
#undef OP
    ;

constexpr size_t kOpCount = static_cast<size_t>(InternalOp::Count_);

constexpr std::array<uint16_t, kOpCount> kNameOffsets = [] {
  std::array<uint16_t, kOpCount> offsets{};
  size_t at = 0;
  for (size_t i = 0; i < kOpCount; ++i) {
    offsets[i] = static_cast<uint16_t>(at);
    while (kNameText[at] != '\0') ++at;
    ++at;
  }
  return offsets;
}();
static_assert(sizeof kNameText < 65536, "offsets are 16-bit");

}  // namespace

std::string_view internalOpName(InternalOp op) {
  auto i = static_cast<uint32_t>(op);
  return i < kOpCount ? std::string_view(kNameText + kNameOffsets[i]) : "<bad op>";
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
