#include "runtime/threaded_code.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace warden {

namespace {

// SIMD ops and atomics share a handler per family and keep their opcode
// after the handler address; they are the last two blocks of internal_ops.def.
constexpr InternalOp kFirstSharedHandlerOp = InternalOp::V128Load;
static_assert(uint32_t(kFirstSharedHandlerOp) == uint32_t(InternalOp::DataDrop) + 1,
              "SIMD ops and atomics are the last blocks of internal_ops.def");

bool keepsOpcode(InternalOp op) { return op >= kFirstSharedHandlerOp; }

// Which operand words (1-based, as in internal_ops.def) of `op` are branch
// targets; BrTable's are handled apart.
uint32_t targetOperand(InternalOp op) {
  using O = InternalOp;
  switch (op) {
    case O::Br:
    case O::BrLoop: return 1;
    case O::BrIf:
    case O::BrIfLoop:
    case O::BrUnless: return 2;
    case O::I32AddImmBrIfLoop: return 3;
#define WARDEN_INC_CASE(name) case O::I32AddImm##name##Loop:
    WARDEN_CMP_BRANCH_OPS(WARDEN_INC_CASE)
#undef WARDEN_INC_CASE
      return 4;
#define WARDEN_LOOP_CASE(name) case O::name##Loop:
    WARDEN_CMP_BRANCH_OPS(WARDEN_LOOP_CASE)
#undef WARDEN_LOOP_CASE
    case O::BrIfI32Eq: case O::BrIfI32Ne: case O::BrIfI32LtS: case O::BrIfI32LtU: case O::BrIfI32GtS:
    case O::BrIfI32GtU: case O::BrIfI32LeS: case O::BrIfI32LeU: case O::BrIfI32GeS: case O::BrIfI32GeU:
    case O::BrIfI32EqImm: case O::BrIfI32NeImm: case O::BrIfI32LtSImm: case O::BrIfI32LtUImm:
    case O::BrIfI32GtSImm: case O::BrIfI32GtUImm: case O::BrIfI32LeSImm: case O::BrIfI32LeUImm:
    case O::BrIfI32GeSImm: case O::BrIfI32GeUImm: return 3;
    default: return 0;
  }
}

}  // namespace

void threadCode(CompiledFunction& fn, HandlerTable handlers) {
  // Start-up cost matters here (every function of every module passes
  // through once): one pass writing words through a pointer into a buffer
  // of the largest possible size, remembering where each old instruction
  // went and which words are branch targets, then a pass over those alone.
  const std::vector<uint32_t>& in = fn.code;
  // An instruction of 1 + n words becomes 2 + n, a SIMD or atomic one (n >= 1) 3 + n.
  // Sized for the worst case, uninitialised; copied out at its real length.
  std::unique_ptr<uint32_t[]> out(new uint32_t[2 * in.size() + 2]);
  std::unique_ptr<uint32_t[]> moved(new uint32_t[in.size() + 1]);  // old start -> new second address word
  std::vector<std::pair<uint32_t, uint32_t>> targets;  // (word of `out` holding an old target, the branch's ip)
  uint32_t* w = out.get();
  for (size_t pc = 0; pc < in.size();) {
    auto op = static_cast<InternalOp>(in[pc]);
    uint32_t n = internalOperandCount(op, &in[pc + 1]);
    moved[pc] = uint32_t(w - out.get() + 1);  // for a dropped op: where the next one starts
    if (op == InternalOp::LoopHeader || op == InternalOp::Removed) {  // run nothing: dropped
      pc += 1 + n;
      continue;
    }
    uint64_t address = reinterpret_cast<uintptr_t>(handlers[in[pc]]);
    *w++ = uint32_t(address);
    *w++ = uint32_t(address >> 32);
    if (keepsOpcode(op)) *w++ = in[pc];
    uint32_t operands = uint32_t(w - out.get());
    for (uint32_t i = 1; i <= n; ++i) *w++ = in[pc + i];
    uint32_t branch_ip = operands - 1;  // no branch keeps its opcode
    if (uint32_t t = targetOperand(op)) targets.emplace_back(operands + t - 1, branch_ip);
    if (op == InternalOp::BrTable)
      for (uint32_t i = 2; i < n; ++i) targets.emplace_back(operands + i, branch_ip);
    pc += 1 + n;
  }
  moved[in.size()] = uint32_t(w - out.get() + 1);  // a branch to the very end (never taken: code ends in return)
  for (auto [word, branch_ip] : targets) out[word] = moved[out[word]] - branch_ip;  // two's complement distance
  fn.code.assign(out.get(), w);
  fn.threaded = true;
}

namespace {

// Address -> op; a shared handler maps to the first op using it (the kept opcode says which).
std::vector<std::pair<uintptr_t, uint32_t>> opsByAddress(HandlerTable handlers) {
  std::vector<std::pair<uintptr_t, uint32_t>> by_address;
  for (uint32_t op = uint32_t(handlers.size()); op-- > 0;)
    by_address.emplace_back(reinterpret_cast<uintptr_t>(handlers[op]), op);
  std::sort(by_address.begin(), by_address.end());
  return by_address;
}

}  // namespace

std::vector<uint32_t> unrelocateCode(std::vector<uint32_t>& in, HandlerTable handlers) {
  std::vector<std::pair<uintptr_t, uint32_t>> by_address = opsByAddress(handlers);
  std::vector<uint32_t> positions;
  for (size_t at = 0; at + 1 < in.size();) {
    uintptr_t address = uintptr_t(in[at]) | uintptr_t(in[at + 1]) << 32;
    auto found = std::lower_bound(by_address.begin(), by_address.end(), std::pair{address, 0u});
    if (found == by_address.end() || found->first != address) break;  // not threaded code: stop
    uint32_t op = found->second;
    positions.push_back(uint32_t(at));
    in[at] = op;
    in[at + 1] = 0;
    size_t operands = at + 2;
    if (keepsOpcode(InternalOp(op))) op = in[operands++];
    uint32_t n = operands < in.size() ? internalOperandCount(InternalOp(op), &in[operands]) : 0;
    at = operands + n;
  }
  return positions;
}

bool relocateCode(std::vector<uint32_t>& code, std::span<const uint32_t> handler_words, HandlerTable handlers) {
  for (uint32_t at : handler_words) {
    if (uint64_t(at) + 1 >= code.size() || code[at] >= handlers.size() || code[at + 1] != 0) return false;
    uint64_t address = reinterpret_cast<uintptr_t>(handlers[code[at]]);
    code[at] = uint32_t(address);
    code[at + 1] = uint32_t(address >> 32);
  }
  return true;
}

CompiledFunction unthreadCode(const CompiledFunction& fn, HandlerTable handlers) {
  CompiledFunction plain = fn;
  if (!fn.threaded) return plain;
  std::vector<std::pair<uintptr_t, uint32_t>> by_address = opsByAddress(handlers);
  const std::vector<uint32_t>& in = fn.code;
  std::vector<uint32_t> moved(in.size() + 2, 0);  // new index of second address word -> old start
  std::vector<uint32_t> ips;                       // old start -> the instruction's ip in `in`
  std::vector<uint32_t> out;
  for (size_t at = 0; at + 1 < in.size();) {
    uintptr_t address = uintptr_t(in[at]) | uintptr_t(in[at + 1]) << 32;
    auto found = std::lower_bound(by_address.begin(), by_address.end(), std::pair{address, 0u});
    uint32_t op = found != by_address.end() && found->first == address ? found->second : uint32_t(InternalOp::Count_);
    size_t operands = at + 2;
    if (op < uint32_t(InternalOp::Count_) && keepsOpcode(InternalOp(op))) op = in[operands++];
    moved[at + 1] = uint32_t(out.size());
    ips.resize(out.size() + 1);
    ips[out.size()] = uint32_t(at + 1);
    out.push_back(op);
    if (op >= uint32_t(InternalOp::Count_)) break;  // not a handler: stop (disassemble shows a bad op)
    uint32_t n = operands + 1 < in.size() ? internalOperandCount(InternalOp(op), &in[operands]) : 0;
    out.insert(out.end(), in.begin() + operands, in.begin() + std::min(in.size(), operands + n));
    at = operands + n;
  }
  moved[in.size() + 1] = uint32_t(out.size());
  for (size_t pc = 0; pc < out.size();) {
    auto op = static_cast<InternalOp>(out[pc]);
    if (out[pc] >= uint32_t(InternalOp::Count_)) break;
    uint32_t n = internalOperandCount(op, &out[pc + 1]);
    // Relative to the branch's ip (its second address word) back to absolute.
    uint32_t branch_ip = ips[pc];
    auto old = [&](uint32_t t) {
      uint32_t at = branch_ip + t;
      return at < moved.size() ? moved[at] : at;
    };
    if (uint32_t t = targetOperand(op)) out[pc + t] = old(out[pc + t]);
    if (op == InternalOp::BrTable)
      for (uint32_t i = 2; i < n; ++i) out[pc + 1 + i] = old(out[pc + 1 + i]);
    pc += 1 + n;
  }
  plain.code = std::move(out);
  plain.threaded = false;
  return plain;
}

}  // namespace warden
