// One pass over a function body: decode each instruction, type-check it
// against the operand stack and the control frames (Wasm 2.0 validation,
// including the polymorphic stack after unreachable/br/br_table/return), and
// emit its slot-based internal code (internal_ops.def) at the same time.
// Four peepholes keep the code short (each measured where it is done):
// local.get reads the local in place (an operand entry may be "folded"),
// local.set retargets the producer's result, compare + br_if/if fuse, and
// i32.const as the right operand of common i32 ops becomes an immediate.
#include "runtime/function_compiler.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>

#include <fmt/format.h>

#include "runtime/atomic_table.h"
#include "runtime/binary_reader.h"
#include "runtime/decoder.h"
#include "runtime/function_compiler_scan.h"
#include "runtime/function_compiler_simd.h"

namespace warden {

namespace {

// The "unknown" type of values popped from a polymorphic (unreachable) stack;
// it matches every type. Also marks "no second operand" in the numeric table.
constexpr ValType kUnknown = static_cast<ValType>(0);
constexpr uint32_t kNoPatch = UINT32_MAX;

// Storage for single-value block types, so a block type is always a span.
constexpr ValType kSingleTypes[] = {ValType::I32,  ValType::I64,     ValType::F32,      ValType::F64,
                                    ValType::V128, ValType::FuncRef, ValType::ExternRef};

std::optional<ValType> valTypeFromByte(uint8_t b) {
  for (ValType t : kSingleTypes)
    if (static_cast<uint8_t>(t) == b) return t;
  return std::nullopt;
}

std::span<const ValType> singleType(ValType t) {
  for (const ValType& s : kSingleTypes)
    if (s == t) return {&s, 1};
  return {};
}

std::string_view typeName(ValType t) { return t == kUnknown ? "unknown" : valTypeName(t); }

// ---- Numeric instructions, generated from numeric_ops.def ----

struct NumericSig {
  bool valid = false;
  InternalOp op = InternalOp::Count_;
  ValType result = kUnknown;
  ValType operand0 = kUnknown;
  ValType operand1 = kUnknown;  // kUnknown: unary
};

#define WARDEN_SIG_TYPE_I32 ValType::I32
#define WARDEN_SIG_TYPE_I64 ValType::I64
#define WARDEN_SIG_TYPE_F32 ValType::F32
#define WARDEN_SIG_TYPE_F64 ValType::F64
#define WARDEN_SIG_TYPE_Void kUnknown

// Indexed by the opcode byte (prefix 0x00) or the sub-opcode (prefix 0xFC).
constexpr std::array<NumericSig, 256> makeNumericTable(uint8_t prefix) {
  std::array<NumericSig, 256> table{};
#define NUMERIC(name, pfx, code, text, result, op0, op1)                                    \
  if ((pfx) == prefix)                                                                      \
    table[(code)] = NumericSig{true, InternalOp::name, WARDEN_SIG_TYPE_##result, WARDEN_SIG_TYPE_##op0, \
                               WARDEN_SIG_TYPE_##op1};
#include "runtime/numeric_ops.def"
#undef NUMERIC
  return table;
}

constexpr auto kPlainNumeric = makeNumericTable(0x00);
constexpr auto kPrefixedNumeric = makeNumericTable(0xFC);

// ---- Loads and stores, opcodes 0x28..0x3E ----

struct MemAccess {
  InternalOp op;
  ValType type;
  uint8_t natural_align;  // log2 of the access width in bytes
  bool store;
};

constexpr uint8_t kFirstMemOpcode = 0x28;
constexpr MemAccess kMemAccesses[] = {
    {InternalOp::I32Load, ValType::I32, 2, false},    {InternalOp::I64Load, ValType::I64, 3, false},
    {InternalOp::F32Load, ValType::F32, 2, false},    {InternalOp::F64Load, ValType::F64, 3, false},
    {InternalOp::I32Load8S, ValType::I32, 0, false},  {InternalOp::I32Load8U, ValType::I32, 0, false},
    {InternalOp::I32Load16S, ValType::I32, 1, false}, {InternalOp::I32Load16U, ValType::I32, 1, false},
    {InternalOp::I64Load8S, ValType::I64, 0, false},  {InternalOp::I64Load8U, ValType::I64, 0, false},
    {InternalOp::I64Load16S, ValType::I64, 1, false}, {InternalOp::I64Load16U, ValType::I64, 1, false},
    {InternalOp::I64Load32S, ValType::I64, 2, false}, {InternalOp::I64Load32U, ValType::I64, 2, false},
    {InternalOp::I32Store, ValType::I32, 2, true},    {InternalOp::I64Store, ValType::I64, 3, true},
    {InternalOp::F32Store, ValType::F32, 2, true},    {InternalOp::F64Store, ValType::F64, 3, true},
    {InternalOp::I32Store8, ValType::I32, 0, true},   {InternalOp::I32Store16, ValType::I32, 1, true},
    {InternalOp::I64Store8, ValType::I64, 0, true},   {InternalOp::I64Store16, ValType::I64, 1, true},
    {InternalOp::I64Store32, ValType::I64, 2, true},
};
constexpr uint8_t kLastMemOpcode = kFirstMemOpcode + std::size(kMemAccesses) - 1;

// ---- Control frames ----

enum class FrameKind : uint8_t { Function, Block, Loop, If, Else };

struct BlockType {
  std::span<const ValType> params;
  std::span<const ValType> results;
};

// The last instruction, when it wrote its single result to the top entry's
// own slot: `local.set` may retarget that word instead of emitting a Move.
struct Producer {
  uint32_t dst_word = kNoPatch;  // code index of the result slot operand
  uint32_t end = kNoPatch;       // code size right after the instruction
};

// An address sum kept in a local: "local.get b ; i32.const c ; i32.add ;
// local.tee L", emitted as I32AddImm L b c starting at `start`. Until L is
// read again, L or b is written, or a label or branch comes, the local's
// write may move into a later instruction that computes the sum itself (a
// read-modify-write through L: nbody.wasm's "b[j].vx += dx * m").
struct AddressInLocal {
  uint32_t start = kNoPatch;  // kNoPatch: none pending
  uint32_t local = 0;         // L's slot
  uint32_t base = 0;          // b's slot (a local: the value stays there)
  uint32_t reads = 0;         // local.get of L since the tee
};

constexpr uint32_t kCanonical = UINT32_MAX;

// Ops a load's result may wait across before a read-modify-write takes the
// load over (BodyCompiler::hoistedLoad): each writes only the slot named by
// its first operand, reads only slots and immediates, writes no memory,
// never branches, and traps, if at all, only as the load itself would (out
// of bounds), so running the load later changes nothing observable.
bool isPureStep(InternalOp op) {
  using O = InternalOp;
  switch (op) {
    case O::Const32: case O::Const64: case O::Move:
    case O::F64Add: case O::F64Sub: case O::F64Mul: case O::F64Div: case O::F64Min: case O::F64Max:
    case O::F64Sqrt: case O::F64Neg: case O::F64Abs: case O::F64Copysign:
    case O::F64Eq: case O::F64Ne: case O::F64Lt: case O::F64Gt: case O::F64Le: case O::F64Ge:
    case O::F64MulAdd: case O::F64MulSub: case O::F64MulSqrt: case O::F64MulImmLoad: case O::F64ImmDiv: case O::F64ImmSub:
    case O::I32Add: case O::I32Sub: case O::I32Mul: case O::I32And: case O::I32Or: case O::I32Xor:
    case O::I32Shl: case O::I32ShrS: case O::I32ShrU: case O::I32AddAdd: case O::I32MulAdd:
    case O::I32OrAnd: case O::I32AndXor: case O::I32XorAnd: case O::I32AndNot:
    case O::I32Rotl2Xor: case O::I32Rotl3Xor: case O::I32Rotl2XorShrU: case O::I32XorRotlImm: case O::I32XorShrUImm:
    case O::I32MulAddLoad16SAddImm: case O::I32AddLoadIndexed: case O::I32AddAddLoadAddImm:
#define WARDEN_PURE_CASE(name) case O::name##Imm:
    WARDEN_IMM_OPS(WARDEN_PURE_CASE)
    WARDEN_IMM_F64_OPS(WARDEN_PURE_CASE)
#undef WARDEN_PURE_CASE
#define WARDEN_PURE_CASE(name) \
  case O::Select##name: case O::Select##name##Imm: case O::I32Add##name: case O::I32Add##name##Imm:
    WARDEN_SELECT_CMP_OPS(WARDEN_PURE_CASE)
#undef WARDEN_PURE_CASE
#define WARDEN_PURE_CASE(name) case O::name##Load: case O::name##LoadAddImm:
    WARDEN_LOAD_OPERAND_OPS(WARDEN_PURE_CASE)
#undef WARDEN_PURE_CASE
#define WARDEN_PURE_CASE(name) case O::name: case O::name##AddImm: case O::name##Indexed:
    WARDEN_LOAD_OPS(WARDEN_PURE_CASE)
#undef WARDEN_PURE_CASE
      return true;
    default: return false;
  }
}

struct ControlFrame {
  FrameKind kind = FrameKind::Block;
  BlockType type;
  uint32_t base = 0;         // operand height below the frame's params
  bool unreachable = false;  // the stack is polymorphic (after br, return, ...)
  bool dead = false;         // entered from unreachable code: nothing is emitted
  uint32_t loop_target = 0;  // Loop: code position of its LoopCheck
  bool loop_check_emitted = false;  // Loop: the LoopCheck is in the code
  bool loop_check_needed = false;   // Loop: a branch to it does not check limits itself
  uint32_t else_patch = kNoPatch;       // If: the BrUnless target word
  std::vector<uint32_t> end_patches;    // words that receive the end position

  std::span<const ValType> labelTypes() const {
    return kind == FrameKind::Loop ? type.params : type.results;
  }
};

class BodyCompiler {
 public:
  BodyCompiler(const Module& module, uint32_t defined_index, const std::vector<bool>& declared_refs,
               const DecodeLimits& limits)
      : module_(module),
        declared_refs_(declared_refs),
        limits_(limits),
        body_(module.bodies[defined_index]),
        reader_(std::span<const uint8_t>(module.bytes).subspan(body_.body_offset, body_.body_size),
                body_.body_offset) {
    out_.type_index = module.functions[defined_index];
  }

  Expect<CompiledFunction> run() {
    const FuncType& type = module_.types[out_.type_index];
    local_types_.reserve(type.params.size() + body_.num_locals);
    local_types_.insert(local_types_.end(), type.params.begin(), type.params.end());
    WARDEN_TRY(appendDeclaredLocals(module_, body_, local_types_));
    num_locals_ = uint32_t(local_types_.size());
    local_ref_counts_.resize(num_locals_);
    // Locals are addressed by slot: a v128 local takes two.
    local_slots_.reserve(num_locals_);
    for (ValType t : local_types_) {
      local_slots_.push_back(num_local_slots_);
      num_local_slots_ += slotWidth(t);
    }

    // Start-up cost (callgrind, warden run hello.wasm): growing these one by
    // one was a tenth of compiling. Code takes about one word per body byte.
    code_.reserve(body_.body_size + 8);
    instr_starts_.reserve(body_.body_size / 2 + 8);
    stack_.reserve(16);
    stack_offsets_.reserve(16);
    stack_src_.reserve(16);
    frames_.reserve(8);

    ControlFrame fn;
    fn.kind = FrameKind::Function;
    fn.type = {{}, type.results};
    frames_.push_back(std::move(fn));

    while (!frames_.empty()) {
      if (reader_.atEnd()) return decodeError(ErrorCode::UnexpectedEnd, "body ends inside a block");
      instr_offset_ = reader_.offset();
      if (!keep_producers_) {
        before_last_producer_ = last_producer_;
        last_producer_ = producer_;
      }
      keep_producers_ = false;
      producer_ = {};
      WARDEN_TRY(instruction());
    }
    if (!reader_.atEnd())
      return decodeError(ErrorCode::SectionSizeMismatch, "bytes after the body's final end");

    out_.num_params = slotCount(type.params);
    out_.num_results = slotCount(type.results);
    out_.num_locals = num_local_slots_;
    out_.frame_size = std::max(num_local_slots_ + max_slots_, out_.num_results);
    out_.code = std::move(code_);
    return std::move(out_);
  }

 private:
  // ---- errors ----

  std::unexpected<Error> invalid(ErrorCode code, std::string_view what) const {
    return fail(code, fmt::format("at byte 0x{:x}: {}", instr_offset_, what));
  }
  std::unexpected<Error> decodeError(ErrorCode code, std::string_view what) const {
    return fail(code, fmt::format("at byte 0x{:x}: {}", reader_.offset(), what));
  }

  // ---- operand stack ----

  ControlFrame& frame() { return frames_.back(); }
  // Heights count operand-stack entries (values); slots count 8-byte slots,
  // two per v128. stack_offsets_[i] is the slot offset of entry i above the
  // locals. Entries above the current height keep the offset they had when
  // last pushed, so an instruction may name the slots of operands it has
  // just popped (their values are still there at run time).
  uint32_t height() const { return uint32_t(stack_.size()); }
  uint32_t topOffset() const {
    return stack_.empty() ? 0 : stack_offsets_[stack_.size() - 1] + slotWidth(stack_.back());
  }
  uint32_t stackOffset(uint32_t h) const {
    if (h == stack_.size()) return topOffset();
    return h < stack_offsets_.size() ? stack_offsets_[h] : 0;  // out of range only in unreachable code
  }
  uint32_t slot(uint32_t height) const { return num_local_slots_ + stackOffset(height); }
  bool emitting() const { return !frames_.back().unreachable && !frames_.back().dead; }

  void push(ValType t) {
    uint32_t offset = topOffset();
    stack_.push_back(t);
    if (stack_offsets_.size() < stack_.size()) {
      stack_offsets_.resize(stack_.size());
      stack_src_.resize(stack_.size());
    }
    stack_offsets_[stack_.size() - 1] = offset;
    stack_src_[stack_.size() - 1] = kCanonical;
    if (emitting()) max_slots_ = std::max(max_slots_, offset + slotWidth(t));
  }

  // Pushes an entry that reads local `index` in place (never a v128).
  void pushLocal(uint32_t index) {
    if (local_slots_[index] == address_local_.local) ++address_local_.reads;
    push(local_types_[index]);
    uint32_t h = height() - 1;
    stack_src_[h] = index;
    ++local_ref_counts_[index];
    ++num_virtual_;
  }

  // The slot an instruction reads entry `h` from: the local it folds, or its own.
  uint32_t operandSlot(uint32_t h) const {
    if (h < stack_src_.size() && stack_src_[h] != kCanonical) return local_slots_[stack_src_[h]];
    return slot(h);
  }

  // Copies folded entries from height `from` up into their own slots (where
  // branches, block boundaries and calls expect them). Scans down from the top
  // and stops when no folded entry is left, so the work is bounded by pushes.
  void materializeFrom(uint32_t from) {
    for (uint32_t h = height(); h-- > from && num_virtual_ > 0;) {
      uint32_t index = stack_src_[h];
      if (index == kCanonical) continue;
      emit(InternalOp::Move, {slot(h), local_slots_[index]});
      stack_src_[h] = kCanonical;
      --local_ref_counts_[index];
      --num_virtual_;
    }
  }
  // Every folded entry of the current frame (outer frames hold none: see block()).
  void materializeFrame() { materializeFrom(frame().base); }
  // The top `n` entries (clamped to the current frame).
  void materializeTop(uint32_t n) {
    uint32_t base = frame().base;
    materializeFrom(height() - base > n ? height() - n : base);
  }
  // Entries still reading local `index`, before it is overwritten.
  // (A count per local and a scan of the stack, bottom up, in place of a
  // list of heights per local: those lists cost allocations, and 4 % of
  // compiling hello.wasm. The Moves come out in the same order.)
  void materializeLocal(uint32_t index) {
    for (uint32_t h = 0; local_ref_counts_[index] > 0 && h < height(); ++h) {
      if (stack_src_[h] != index) continue;
      emit(InternalOp::Move, {slot(h), local_slots_[index]});
      stack_src_[h] = kCanonical;
      --local_ref_counts_[index];
      --num_virtual_;
    }
  }

  // Records that the instruction just emitted wrote the top entry's own slot
  // with its first operand word.
  void noteProducer() {
    if (emitting()) producer_ = {last_instr_start_ + 1, here()};
  }

  void truncate(uint32_t h) {
    while (height() > h) dropTop();
  }
  void dropTop() {
    uint32_t h = height() - 1;
    if (uint32_t index = stack_src_[h]; index != kCanonical) {
      --local_ref_counts_[index];
      --num_virtual_;
    }
    stack_.pop_back();
  }
  void pushTypes(std::span<const ValType> types) {
    for (ValType t : types) push(t);
  }

  Expect<ValType> pop() {
    const ControlFrame& f = frames_.back();
    if (height() == f.base) {
      if (f.unreachable) return kUnknown;
      return invalid(ErrorCode::TypeMismatch, "operand stack underflow");
    }
    ValType t = stack_.back();
    dropTop();
    return t;
  }

  Expect<ValType> pop(ValType expect) {
    ValType actual = WARDEN_TRY(pop());
    if (actual != expect && actual != kUnknown && expect != kUnknown)
      return invalid(ErrorCode::TypeMismatch,
                     fmt::format("expected {}, found {}", typeName(expect), typeName(actual)));
    return actual;
  }

  Expect<void> popTypes(std::span<const ValType> types) {
    for (size_t i = types.size(); i-- > 0;) WARDEN_TRY(pop(types[i]));
    return {};
  }

  void markUnreachable() {
    ControlFrame& f = frame();
    truncate(f.base);
    f.unreachable = true;
  }

  // ---- emission (a no-op while the current code is unreachable) ----

  void emit(InternalOp op, std::initializer_list<uint32_t> operands = {}) {
    if (!emitting()) return;
    // A Move right after a Move or Move2 (loop-carried locals rotating,
    // block results) joins it as one Move2 or Move3, unless a branch targets
    // it. sha256.wasm: two of a round's 22 dispatches.
    if (op == InternalOp::Move && here() != label_) {
      auto last = static_cast<InternalOp>(code_[last_instr_start_]);
      uint32_t joined = last == InternalOp::Move && here() == last_instr_start_ + 3    ? uint32_t(InternalOp::Move2)
                        : last == InternalOp::Move2 && here() == last_instr_start_ + 5 ? uint32_t(InternalOp::Move3)
                                                                                        : kNoPatch;
      if (joined != kNoPatch) {
        code_[last_instr_start_] = joined;
        for (uint32_t word : operands) code_.push_back(word);
        return;
      }
    }
    last_instr_start_ = here();
    instr_starts_.push_back(here());
    code_.push_back(static_cast<uint32_t>(op));
    for (uint32_t word : operands) code_.push_back(word);  // cheaper than a range insert at start-up
  }
  uint32_t here() const { return uint32_t(code_.size()); }
  // Removes the code from `size` on (instructions a peephole replaces).
  void truncateCode(uint32_t size) {
    code_.resize(size);
    while (!instr_starts_.empty() && instr_starts_.back() >= size) instr_starts_.pop_back();
    if (address_local_.start != kNoPatch && address_local_.start >= size) address_local_.start = kNoPatch;
  }
  // The current position, noted as a branch target (see emit's Move2).
  uint32_t markLabel() {
    label_ = here();
    return label_;
  }
  uint32_t lastWord() const { return uint32_t(code_.size() - 1); }

  // `count` is in slots.
  void emitMoves(uint32_t dst_slot, uint32_t src_slot, uint32_t count) {
    if (dst_slot == src_slot) return;
    // The target never lies above the source, so increasing order is safe.
    for (uint32_t i = 0; i < count; ++i) emit(InternalOp::Move, {dst_slot + i, src_slot + i});
  }

  // Where a branch to `target` must leave its label values.
  uint32_t labelSlot(const ControlFrame& target) const {
    return target.kind == FrameKind::Function ? 0 : slot(target.base);
  }

  // Whether a branch from height `h` needs more than a bare jump.
  bool branchNeedsMoves(const ControlFrame& target, uint32_t h) const {
    uint32_t n = uint32_t(target.labelTypes().size());
    return target.kind == FrameKind::Function || (n > 0 && labelSlot(target) != slot(h - n));
  }

  // A jump to the target's label; forward targets are patched at their end.
  void emitJump(ControlFrame& target) {
    if (!emitting()) return;
    switch (target.kind) {
      case FrameKind::Function: emit(InternalOp::Return); return;
      case FrameKind::Loop: emit(InternalOp::BrLoop, {target.loop_target + 1}); return;  // past the LoopCheck
      default:
        emit(InternalOp::Br, {0});
        target.end_patches.push_back(lastWord());
    }
  }

  bool folded(uint32_t h) const { return h < stack_src_.size() && stack_src_[h] != kCanonical; }

  // Moves the label values from the top of a stack of height `h` (popped or
  // not: their slots are still known), then jumps. Changes no stack state, so
  // a conditional branch may use it.
  void emitBranch(ControlFrame& target, uint32_t h) {
    std::span<const ValType> types = target.labelTypes();
    uint32_t n = uint32_t(types.size());
    uint32_t first = h - n;
    bool read_in_place = false;
    for (uint32_t i = 0; i < n; ++i) read_in_place |= folded(first + i);
    // A return writes fp[0..), which may be a local a later value still
    // reads: with more than one value, copy folded values out first.
    if (read_in_place && target.kind == FrameKind::Function && n > 1) {
      for (uint32_t i = 0; i < n; ++i)
        if (folded(first + i)) emit(InternalOp::Move, {slot(first + i), operandSlot(first + i)});
      read_in_place = false;
    }
    uint32_t dst = labelSlot(target);
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t src = read_in_place ? operandSlot(first + i) : slot(first + i);
      emitMoves(dst, src, slotWidth(types[i]));
      dst += slotWidth(types[i]);
    }
    emitJump(target);
  }

  void patch(uint32_t word, uint32_t target) { code_[word] = target; }

  // Fused compare-and-branch: when the instruction just before produced the
  // branch condition with an i32 comparison, rewrite it in place into a
  // branch on that comparison (or its negation when `when_true` is false),
  // saving one dispatch and one slot write per loop iteration (callgrind:
  // fib.wasm 22 7.84M -> 7.24M Ir, sort.wasm 1 443M -> 400M). Returns the
  // word that receives the target, or kNoPatch when nothing was fused.
  uint32_t fuseCompareBranch(uint32_t cond, bool when_true) {
    const Producer& p = last_producer_;
    if (!emitting() || p.end != here() || p.dst_word == kNoPatch || code_[p.dst_word] != cond) return kNoPatch;
    uint32_t start = p.dst_word - 1;
    auto op = static_cast<InternalOp>(code_[start]);
    if (op == InternalOp::I32Eqz) {  // [eqz][dst][a] -> [br_unless or br_if][a][target]
      code_[start] = uint32_t(when_true ? InternalOp::BrUnless : InternalOp::BrIf);
      code_[start + 1] = code_[start + 2];
      return start + 2;
    }
    InternalOp fused = fusedCompare(op, when_true);
    if (fused == InternalOp::Count_) return kNoPatch;
    // [cmp][dst][a][b] -> [br_if.cmp][a][b][target]
    code_[start] = uint32_t(fused);
    code_[start + 1] = code_[start + 2];
    code_[start + 2] = code_[start + 3];
    return start + 3;
  }

  // The immediate forms fuse the same way, keeping their immediate word
  // (callgrind: sha256.wasm 1 and sort.wasm 1 lose one op per loop iteration).
  static InternalOp fusedCompare(InternalOp cmp, bool when_true) {
    using O = InternalOp;
    struct Pair {
      O cmp, if_true, if_false;
    };
    static constexpr Pair kPairs[] = {
        {O::I32Eq, O::BrIfI32Eq, O::BrIfI32Ne},    {O::I32Ne, O::BrIfI32Ne, O::BrIfI32Eq},
        {O::I32LtS, O::BrIfI32LtS, O::BrIfI32GeS}, {O::I32LtU, O::BrIfI32LtU, O::BrIfI32GeU},
        {O::I32GtS, O::BrIfI32GtS, O::BrIfI32LeS}, {O::I32GtU, O::BrIfI32GtU, O::BrIfI32LeU},
        {O::I32LeS, O::BrIfI32LeS, O::BrIfI32GtS}, {O::I32LeU, O::BrIfI32LeU, O::BrIfI32GtU},
        {O::I32GeS, O::BrIfI32GeS, O::BrIfI32LtS}, {O::I32GeU, O::BrIfI32GeU, O::BrIfI32LtU},
        {O::I32EqImm, O::BrIfI32EqImm, O::BrIfI32NeImm},    {O::I32NeImm, O::BrIfI32NeImm, O::BrIfI32EqImm},
        {O::I32LtSImm, O::BrIfI32LtSImm, O::BrIfI32GeSImm}, {O::I32LtUImm, O::BrIfI32LtUImm, O::BrIfI32GeUImm},
        {O::I32GtSImm, O::BrIfI32GtSImm, O::BrIfI32LeSImm}, {O::I32GtUImm, O::BrIfI32GtUImm, O::BrIfI32LeUImm},
        {O::I32LeSImm, O::BrIfI32LeSImm, O::BrIfI32GtSImm}, {O::I32LeUImm, O::BrIfI32LeUImm, O::BrIfI32GtUImm},
        {O::I32GeSImm, O::BrIfI32GeSImm, O::BrIfI32LtSImm}, {O::I32GeUImm, O::BrIfI32GeUImm, O::BrIfI32LtUImm},
    };
    for (const Pair& pair : kPairs)
      if (pair.cmp == cmp) return when_true ? pair.if_true : pair.if_false;
    return O::Count_;
  }

  // Turns the conditional branch just emitted into its back-edge form, which
  // checks limits itself and so may jump past the loop's LoopCheck
  // (internal_ops.def). False when the branch has no such form (br_unless).
  bool makeLoopBranch() {
    using O = InternalOp;
    auto op = static_cast<O>(code_[last_instr_start_]);
    O loop = O::Count_;
    switch (op) {
      case O::BrIf: loop = O::BrIfLoop; break;
#define WARDEN_LOOP_CASE(name) \
  case O::name:                \
    loop = O::name##Loop;      \
    break;
      WARDEN_CMP_BRANCH_OPS(WARDEN_LOOP_CASE)
#undef WARDEN_LOOP_CASE
      default: return false;
    }
    code_[last_instr_start_] = uint32_t(loop);
    return true;
  }

  // "i32.add x, c" (or sub) of a counter just before the back edge that
  // tests it, with no label between: one op that steps and branches
  // (internal_ops.def: I32AddImm<branch>), a dispatch less per iteration of
  // most counted loops. `word` is the branch's target word; returns where
  // it is now.
  uint32_t fuseIncrement(uint32_t word) {
    using O = InternalOp;
    uint32_t s = last_instr_start_;
    if (instr_starts_.size() < 2 || instr_starts_.back() != s || label_ == s) return word;
    uint32_t a = instr_starts_[instr_starts_.size() - 2];
    auto step = static_cast<O>(code_[a]);
    if (s - a != 4 || (step != O::I32AddImm && step != O::I32SubImm)) return word;
    uint32_t x = code_[a + 1];
    if (code_[a + 2] != x || code_[s + 1] != x) return word;
    uint32_t c = step == O::I32SubImm ? 0u - code_[a + 3] : code_[a + 3];
    O fused = O::Count_;
    switch (static_cast<O>(code_[s])) {
      case O::BrIfLoop: fused = O::I32AddImmBrIfLoop; break;
#define WARDEN_INC_CASE(name)         \
  case O::name##Loop:                 \
    fused = O::I32AddImm##name##Loop; \
    break;
      WARDEN_CMP_BRANCH_OPS(WARDEN_INC_CASE)
#undef WARDEN_INC_CASE
      default: return word;
    }
    std::vector<uint32_t> rest(code_.begin() + s + 2, code_.end());  // the branch's operands after x
    truncateCode(a);
    if (rest.size() == 1)
      emit(fused, {x, c, rest[0]});
    else
      emit(fused, {x, c, rest[0], rest[1]});
    return lastWord();
  }

  // A conditional jump on fp[cond]; returns the word that receives the target.
  uint32_t emitCondJump(uint32_t cond, bool when_true) {
    uint32_t word = fuseCompareBranch(cond, when_true);
    if (word != kNoPatch) return word;
    emit(when_true ? InternalOp::BrIf : InternalOp::BrUnless, {cond, 0});
    return lastWord();
  }

  // ---- immediates ----

  Expect<ValType> readValType() {
    uint8_t b = WARDEN_TRY(reader_.u8());
    auto t = valTypeFromByte(b);
    if (!t) return decodeError(ErrorCode::MalformedValType, fmt::format("value type 0x{:x}", b));
    return *t;
  }

  Expect<BlockType> readBlockType() {
    uint8_t first = WARDEN_TRY(reader_.peekU8());
    if (first == 0x40) {
      (void)reader_.u8();
      return BlockType{};
    }
    if (auto t = valTypeFromByte(first)) {
      (void)reader_.u8();
      return BlockType{{}, singleType(*t)};
    }
    int64_t index = WARDEN_TRY(reader_.s33());
    if (index < 0) return invalid(ErrorCode::MalformedValType, "malformed block type");
    if (uint64_t(index) >= module_.types.size())
      return invalid(ErrorCode::UnknownType, fmt::format("block type {}", index));
    const FuncType& ft = module_.types[size_t(index)];
    return BlockType{ft.params, ft.results};
  }

  Expect<void> zeroByte() {
    uint8_t b = WARDEN_TRY(reader_.u8());
    if (b != 0) return decodeError(ErrorCode::ZeroByteExpected, "reserved byte must be zero");
    return {};
  }

  Expect<void> requireMemory() {
    if (module_.numMemories() == 0) return invalid(ErrorCode::UnknownMemory, "memory 0");
    return {};
  }

  Expect<ValType> tableElemType(uint32_t table) {
    if (table >= module_.numTables())
      return invalid(ErrorCode::UnknownTable, fmt::format("table {}", table));
    return module_.tableType(table).elem;
  }

  Expect<ValType> elemSegmentType(uint32_t index) {
    if (index >= module_.elems.size())
      return invalid(ErrorCode::UnknownElemSegment, fmt::format("elem segment {}", index));
    return module_.elems[index].type;
  }

  // memory.init and data.drop need the data count section. Without data
  // segments the index is unknown anyway; saying so matches what the spec's
  // text-format tests expect (wat2wasm omits an empty data count section).
  Expect<void> requireDataCount() {
    if (!module_.data_count && !module_.datas.empty())
      return decodeError(ErrorCode::DataCountRequired, "bulk memory needs the data count section");
    return {};
  }

  Expect<void> requireDataSegment(uint32_t index) {
    uint32_t count = module_.data_count.value_or(0);
    if (index >= count) return invalid(ErrorCode::UnknownDataSegment, fmt::format("data segment {}", index));
    return {};
  }

  Expect<ControlFrame*> label(uint32_t depth) {
    if (depth >= frames_.size())
      return invalid(ErrorCode::UnknownLabel, fmt::format("label {}", depth));
    return &frames_[frames_.size() - 1 - depth];
  }

  // ---- instructions ----

  Expect<void> instruction() {
    uint8_t opcode = WARDEN_TRY(reader_.u8());
    if (kPlainNumeric[opcode].valid) return numeric(kPlainNumeric[opcode]);
    if (opcode >= kFirstMemOpcode && opcode <= kLastMemOpcode)
      return memoryAccess(kMemAccesses[opcode - kFirstMemOpcode]);
    // Control (labels, branches, calls) and the prefixed ops: a pending
    // address write may not move past them.
    if (opcode <= 0x11 || opcode >= 0xFC) address_local_.start = kNoPatch;
    switch (opcode) {
      case 0x00:
        emit(InternalOp::Unreachable);
        markUnreachable();
        return {};
      case 0x01: return {};
      case 0x02: return block(FrameKind::Block);
      case 0x03: return block(FrameKind::Loop);
      case 0x04: return ifInstr();
      case 0x05: return elseInstr();
      case 0x0B: return endInstr();
      case 0x0C: return br();
      case 0x0D: return brIf();
      case 0x0E: return brTable();
      case 0x0F: return returnInstr();
      case 0x10: return call();
      case 0x11: return callIndirect();
      case 0x1A: return drop();
      case 0x1B: return select();
      case 0x1C: return selectTyped();
      case 0x20: return localGet();
      case 0x21: return localSet(false);
      case 0x22: return localSet(true);
      case 0x23: return globalGet();
      case 0x24: return globalSet();
      case 0x25: return tableGet();
      case 0x26: return tableSet();
      case 0x3F: return memorySize();
      case 0x40: return memoryGrow();
      case 0x41: return constant32(ValType::I32, uint32_t(WARDEN_TRY(reader_.s32())));
      case 0x42: return constant64(ValType::I64, uint64_t(WARDEN_TRY(reader_.s64())));
      case 0x43: return constant32(ValType::F32, WARDEN_TRY(reader_.fixedU32()));
      case 0x44: return constant64(ValType::F64, WARDEN_TRY(reader_.fixedU64()));
      case 0xD0: return refNull();
      case 0xD1: return refIsNull();
      case 0xD2: return refFunc();
      case 0xFC: return prefixed();
      case 0xFD: return simd();
      case 0xFE: return atomic();
      default:
        return invalid(ErrorCode::IllegalOpcode, fmt::format("opcode 0x{:x}", opcode));
    }
  }

  Expect<void> prefixed() {
    uint32_t sub = WARDEN_TRY(reader_.u32());
    if (sub < kPrefixedNumeric.size() && kPrefixedNumeric[sub].valid) return numeric(kPrefixedNumeric[sub]);
    switch (sub) {
      case 8: return memoryInit();
      case 9: return dataDrop();
      case 10: return memoryCopy();
      case 11: return memoryFill();
      case 12: return tableInit();
      case 13: return elemDrop();
      case 14: return tableCopy();
      case 15: return tableGrow();
      case 16: return tableSize();
      case 17: return tableFill();
      default:
        return invalid(ErrorCode::IllegalOpcode, fmt::format("opcode 0xfc {}", sub));
    }
  }

  // Operand slots are taken before popping: a push reuses the popped height.
  Expect<void> numeric(const NumericSig& sig) {
    uint32_t h = height();
    if (sig.operand1 == kUnknown) {
      uint32_t dst = slot(h - 1), a = operandSlot(h - 1);
      WARDEN_TRY(pop(sig.operand0));
      push(sig.result);
      emit(sig.op, {dst, a});
      noteProducer();
      return {};
    }
    uint32_t dst = slot(h - 2), a = operandSlot(h - 2), b = operandSlot(h - 1);
    WARDEN_TRY(pop(sig.operand1));
    WARDEN_TRY(pop(sig.operand0));
    push(sig.result);
    std::optional<uint32_t> imm;
    if (immediateForm(sig.op) != InternalOp::Count_) {
      imm = takeConstant(b);
      // "i32.const c ; local.get x ; i32.add": the constant is the last code
      // emitted (local.get emits none), so a commutative op takes it too.
      if (!imm && isCommutative(sig.op) && b != slot(h - 1) && (imm = takeConstant(a))) a = b;
    }
    std::optional<uint64_t> imm64;
    if (!imm && immediateForm64(sig.op) != InternalOp::Count_) imm64 = takeConstant64(b);
    if (imm)
      emit(immediateForm(sig.op), {dst, a, *imm});
    else if (imm64) {
      if (!loadTimesConstant(sig.op, dst, a, *imm64))
        emit(immediateForm64(sig.op), {dst, a, uint32_t(*imm64), uint32_t(*imm64 >> 32)});
    } else if (!emitFusedPair(sig.op, dst, a, b) && !emitLoadOperand(sig.op, dst, a, b) &&
               !constantLeftOperand(sig.op, dst, a, b) && !emitAddOfLoaded(sig.op, dst, a, b))
      emit(sig.op, {dst, a, b});
    noteProducer();
    return {};
  }

  // When the last instruction computed `b` (a stack temporary, consumed here)
  // with an op that pairs with `op` (internal_ops.def: fused pairs), replaces
  // it and emits the pair as one op. Nothing can jump between the two, and
  // the fused handler reads every operand before it writes.
  bool emitFusedPair(InternalOp op, uint32_t dst, uint32_t a, uint32_t b) {
    using O = InternalOp;
    struct Pair {
      O first, second, fused;
    };
    static constexpr Pair kPairs[] = {
        {O::F64Mul, O::F64Add, O::F64MulAdd},
        {O::F64Mul, O::F64Sub, O::F64MulSub},
        {O::I32Add, O::I32Add, O::I32AddAdd},
        {O::I32Mul, O::I32Add, O::I32MulAdd},
        // Bitwise pairs (SHA-2's choose and majority functions are made of them).
        {O::I32And, O::I32Or, O::I32OrAnd},
        {O::I32Xor, O::I32And, O::I32AndXor},
        {O::I32And, O::I32Xor, O::I32XorAnd},
        {O::I32RotlImm, O::I32Xor, O::I32XorRotlImm},
        {O::I32ShrUImm, O::I32Xor, O::I32XorShrUImm},
    };
    const Producer& p = last_producer_;
    if (!emitting() || p.end != here() || p.dst_word == kNoPatch) return false;
    // An op that commutes may take the first op's result on either side.
    if (code_[p.dst_word] == a && (isCommutative(op) || op == O::F64Mul) && a != b) std::swap(a, b);
    if (code_[p.dst_word] != b || b < num_local_slots_ || a == b) return false;
    auto first = static_cast<O>(code_[p.dst_word - 1]);
    if (first == O::F64Sqrt && op == O::F64Mul) {  // a * sqrt(x): nbody's d2 * sqrt(d2)
      uint32_t x = code_[p.dst_word + 1];
      truncateCode(p.dst_word - 1);
      emit(O::F64MulSqrt, {dst, a, x});
      dropLastProducer();
      return true;
    }
    // Every first op below has [dst][x][y]; read x and y only for those.
    auto has_two_operands = [&] { return p.end - p.dst_word == 3; };
    if (!has_two_operands()) return false;
    uint32_t x = code_[p.dst_word + 1], y = code_[p.dst_word + 2];
    if (op == O::I32Add) {  // a + (x <cmp> y): how sort.wasm's branch-free merge steps its indices
      O fused = O::Count_;
      switch (first) {
#define WARDEN_ADD_CMP_CASE(name)                 \
  case O::name: fused = O::I32Add##name; break; \
  case O::name##Imm: fused = O::I32Add##name##Imm; break;
        WARDEN_SELECT_CMP_OPS(WARDEN_ADD_CMP_CASE)
#undef WARDEN_ADD_CMP_CASE
        default: break;
      }
      if (fused != O::Count_) {
        truncateCode(p.dst_word - 1);
        emit(fused, {dst, a, x, y});
        dropLastProducer();
        return true;
      }
    }
    if (first == O::I32XorImm && y == 0xFFFFFFFFu && op == O::I32And) {  // a & (x ^ -1)
      truncateCode(p.dst_word - 1);
      emit(O::I32AndNot, {dst, a, x});
      dropLastProducer();
      return true;
    }
    for (const Pair& pair : kPairs) {
      if (pair.first != first || pair.second != op) continue;
      truncateCode(p.dst_word - 1);
      // The pair replaces the first op (a load before it may still fuse
      // with a store: storeReadModifyWrite, or join a multiply-add).
      dropLastProducer();
      if (pair.fused == O::I32MulAdd && loadedMultiplyAdd(dst, a, x, y)) return true;
      if (pair.fused == O::I32AddAdd && addAddOfLoaded(dst, a, x, y)) return true;
      emit(pair.fused, {dst, a, x, y});
      if (pair.fused == O::I32XorRotlImm || pair.fused == O::I32XorShrUImm) foldRotations(pair.fused, dst, a, x, y);
      return true;
    }
    return false;
  }

  // "i32.load16_s t ; i32.mul_add d a t y" (or y * t), the load just
  // before and t a stack temporary read by nothing else: one op
  // (I32MulAddLoad16SAddImm). coremix.wasm's matrix product, like
  // CoreMark's, is a chain of these over int16 elements.
  bool loadedMultiplyAdd(uint32_t dst, uint32_t a, uint32_t x, uint32_t y) {
    using O = InternalOp;
    const Producer& load = last_producer_;
    if (!emitting() || load.end != here() || load.dst_word == kNoPatch ||
        code_[load.dst_word - 1] != uint32_t(O::I32Load16SAddImm))
      return false;
    uint32_t t = code_[load.dst_word];
    if (t < num_local_slots_ || (x == t) == (y == t) || a == t) return false;
    uint32_t base = code_[load.dst_word + 1], imm = code_[load.dst_word + 2], offset = code_[load.dst_word + 3];
    truncateCode(load.dst_word - 1);
    dropLastProducer();
    emit(O::I32MulAddLoad16SAddImm, {dst, a, base, imm, offset, x == t ? y : x});
    return true;
  }

  // "f64.load t ; f64.<op> a t" (t a stack temporary read by nothing else)
  // as one op reading memory (internal_ops.def: <op>Load, <op>LoadAddImm);
  // add and mul commute, so t may be either operand. nbody.wasm's distances
  // "b[i].x - b[j].x" are this shape.
  bool emitLoadOperand(InternalOp op, uint32_t dst, uint32_t a, uint32_t b) {
    using O = InternalOp;
    if (op != O::F64Add && op != O::F64Sub && op != O::F64Mul) return false;
    const Producer& p = last_producer_;
    if (!emitting() || p.end != here() || p.dst_word == kNoPatch) return false;
    if (code_[p.dst_word] == a && op != O::F64Sub && a != b) std::swap(a, b);
    uint32_t t = code_[p.dst_word];
    if (t != b || t < num_local_slots_ || a == t) return false;
    auto load = static_cast<O>(code_[p.dst_word - 1]);
    bool add_imm = load == O::F64LoadAddImm;
    if (load != O::F64Load && !add_imm) return false;
    uint32_t x = code_[p.dst_word + 1], y = code_[p.dst_word + 2];
    uint32_t offset = add_imm ? code_[p.dst_word + 3] : 0;
    O fused = op == O::F64Add ? (add_imm ? O::F64AddLoadAddImm : O::F64AddLoad)
            : op == O::F64Sub ? (add_imm ? O::F64SubLoadAddImm : O::F64SubLoad)
                              : (add_imm ? O::F64MulLoadAddImm : O::F64MulLoad);
    truncateCode(p.dst_word - 1);
    dropLastProducer();
    if (add_imm)
      emit(fused, {dst, a, x, y, offset});
    else
      emit(fused, {dst, a, x, y});
    return true;
  }

  // "f64.load t ; f64.const c ; f64.mul" (the constant already taken as an
  // immediate) as one op: nbody.wasm's position update "x += dt * vx".
  bool loadTimesConstant(InternalOp op, uint32_t dst, uint32_t a, uint64_t imm) {
    using O = InternalOp;
    const Producer& p = last_producer_;
    if (op != O::F64Mul || !emitting() || p.end != here() || p.dst_word == kNoPatch ||
        code_[p.dst_word - 1] != uint32_t(O::F64Load) || code_[p.dst_word] != a || a < num_local_slots_)
      return false;
    uint32_t addr = code_[p.dst_word + 1], offset = code_[p.dst_word + 2];
    truncateCode(p.dst_word - 1);
    dropLastProducer();
    emit(O::F64MulImmLoad, {dst, addr, offset, uint32_t(imm), uint32_t(imm >> 32)});
    return true;
  }

  // SHA-2's sigma functions, rotations (and a shift) of one value xor-ed
  // together, arrive as chains of the pairs above: rotl(x,i) then
  // a ^ rotl(x,j) where a is that rotation, then a ^ rotl(x,k) or a ^ (x >> k).
  // Folds the op just emitted into the rotation(s) that computed its `a`
  // (internal_ops.def: I32Rotl2Xor...). In sha256.wasm a compression round
  // and a message-schedule step each lose four ops of about 45.
  void foldRotations(InternalOp just, uint32_t dst, uint32_t a, uint32_t x, uint32_t k) {
    using O = InternalOp;
    const Producer& p = last_producer_;
    if (p.dst_word == kNoPatch || p.end != last_instr_start_ || code_[p.dst_word] != a || a < num_local_slots_ ||
        a == x || code_[p.dst_word + 1] != x)
      return;
    auto prev = static_cast<O>(code_[p.dst_word - 1]);
    uint32_t k1 = code_[p.dst_word + 2];
    if (prev == O::I32RotlImm && just == O::I32XorRotlImm) {
      truncateCode(p.dst_word - 1);
      emit(O::I32Rotl2Xor, {dst, x, k1, k});
    } else if (prev == O::I32Rotl2Xor) {
      uint32_t k2 = code_[p.dst_word + 3];
      truncateCode(p.dst_word - 1);
      emit(just == O::I32XorRotlImm ? O::I32Rotl3Xor : O::I32Rotl2XorShrU, {dst, x, k1, k2, k});
    } else {
      return;
    }
    last_producer_ = before_last_producer_ = {};  // the chain's start is not tracked
  }

  // The value of the Const32 just emitted into `slot` (then removed from the
  // code), if the previous instruction was one. Nothing can jump between it
  // and the current instruction, so dropping it is safe. Immediate forms
  // (internal_ops.def) cut callgrind's count on sha256.wasm 1 from 239M to
  // 211M instructions and on sort.wasm 1 from 400M to 331M.
  std::optional<uint32_t> takeConstant(uint32_t slot) {
    const Producer& p = last_producer_;
    if (!emitting() || p.end != here() || p.dst_word == kNoPatch || code_[p.dst_word] != slot ||
        code_[p.dst_word - 1] != uint32_t(InternalOp::Const32))
      return std::nullopt;
    uint32_t value = code_[p.dst_word + 1];
    truncateCode(p.dst_word - 1);
    dropLastProducer();
    return value;
  }

  // An access's address computed by the instructions just before it, which
  // the access then takes over (internal_ops.def: <access>AddImm, Indexed).
  // In sort.wasm 1, "base + (i << 2)" then a load or store was a quarter of
  // the ops executed.
  struct FusedAddress {
    enum Kind { None, AddImm, Indexed } kind = None;
    uint32_t base = 0;
    uint32_t imm_or_index = 0;  // AddImm: the constant; Indexed: the index slot
    uint32_t shift = 0;         // Indexed only
  };

  // When the last instruction computed `addr` (a stack slot, consumed by the
  // access) as I32AddImm or I32Add (of an I32ShlImm emitted just before it,
  // or of any two values), removes them and returns their operands. Nothing can jump between
  // them and the access (see takeConstant), and each read its operands
  // before writing, so the operands still hold their values.
  FusedAddress takeAddress(uint32_t addr) {
    const Producer& add = last_producer_;
    if (!emitting() || add.end != here() || add.dst_word == kNoPatch || code_[add.dst_word] != addr ||
        addr < num_local_slots_)
      return {};
    uint32_t add_start = add.dst_word - 1;
    bool sub = code_[add_start] == uint32_t(InternalOp::I32SubImm);  // a - c wraps as a + (0 - c)
    if (code_[add_start] == uint32_t(InternalOp::I32AddImm) || sub) {
      uint32_t imm = code_[add.dst_word + 2];
      FusedAddress f{FusedAddress::AddImm, code_[add.dst_word + 1], sub ? 0u - imm : imm, 0};
      truncateCode(add_start);
      dropLastProducer();
      return f;
    }
    if (code_[add_start] != uint32_t(InternalOp::I32Add)) return {};
    uint32_t x = code_[add.dst_word + 1], y = code_[add.dst_word + 2];
    const Producer& shl = before_last_producer_;
    if (shl.end == add_start && shl.dst_word != kNoPatch && code_[shl.dst_word - 1] == uint32_t(InternalOp::I32ShlImm)) {
      uint32_t shifted = code_[shl.dst_word];
      if (shifted >= num_local_slots_ && (x == shifted) != (y == shifted)) {
        FusedAddress f{FusedAddress::Indexed, x == shifted ? y : x, code_[shl.dst_word + 1], code_[shl.dst_word + 2]};
        truncateCode(shl.dst_word - 1);
        dropLastProducer();
        dropLastProducer();
        return f;
      }
    }
    // A plain sum of two values: an indexed access with shift 0.
    truncateCode(add_start);
    dropLastProducer();
    return FusedAddress{FusedAddress::Indexed, x, y, 0};
  }

  // Turns the instruction at `start` into Removed of the same length (a later
  // op took its effect over); threading drops it, so nothing runs there.
  void removeInstruction(uint32_t start) {
    uint32_t n = internalOperandCount(static_cast<InternalOp>(code_[start]), &code_[start + 1]);
    code_[start] = uint32_t(InternalOp::Removed);
    code_[start + 1] = n;
  }

  // The last instruction was removed, fused into the one being emitted: the
  // producers before it move up, so a peephole of the next instruction
  // still sees what really precedes it.
  void dropLastProducer() {
    last_producer_ = before_last_producer_;
    before_last_producer_ = {};
  }

  // "load t ; op ; store" to the same address slot and offset, where the
  // op computed the stored value from t (a stack temporary read by nothing
  // else): replaces the load and the op with one read-modify-write op
  // (internal_ops.def). The producers say nothing can jump between them;
  // neither the load nor the op wrote the address slot. In nbody.wasm's
  // inner loop, five of the six velocity updates are this shape.
  //
  // The load may also come earlier, with only pure steps between
  // (hoistedLoad): it becomes Removed and the op goes. nbody.wasm loads
  // b[i].vx at the top of its inner loop and stores it near the end.
  bool storeReadModifyWrite(InternalOp store, uint32_t addr, uint32_t value, uint32_t offset) {
    using O = InternalOp;
    if (storeAddedLoad(store, addr, value, offset)) return true;
    const Producer& op = last_producer_;
    if (!emitting() || op.end != here() || op.dst_word == kNoPatch || code_[op.dst_word] != value ||
        value < num_local_slots_)
      return false;
    O load_op = store == O::F64Store ? O::F64Load : store == O::I32Store ? O::I32Load : O::Count_;
    auto kind = static_cast<O>(code_[op.dst_word - 1]);
    if (load_op == O::Count_ || op.end - op.dst_word < 3) return false;  // every op below has [dst][a][b]...
    uint32_t a = code_[op.dst_word + 1], b = code_[op.dst_word + 2];
    // The load: the instruction just before the op, or one further back.
    const Producer& load = before_last_producer_;
    bool adjacent = load.dst_word != kNoPatch && load.end == op.dst_word - 1 &&
                    code_[load.dst_word - 1] == uint32_t(load_op) && code_[load.dst_word + 1] == addr &&
                    code_[load.dst_word + 2] == offset;
    uint32_t t = adjacent ? code_[load.dst_word] : a;
    uint32_t load_start = adjacent ? load.dst_word - 1 : hoistedLoad(load_op, t, addr, offset, op.dst_word - 1);
    if (load_start == kNoPatch && kind == O::I32Add) {  // commutative: t may be b
      t = b;
      load_start = hoistedLoad(load_op, t, addr, offset, op.dst_word - 1);
    }
    if (load_start == kNoPatch || t < num_local_slots_ || t == addr) return false;
    O fused = O::Count_;
    std::array<uint32_t, 2> rest{};  // the operands other than t
    switch (kind) {
      // (An f64 add never gets here: emitLoadOperand made it an F64AddLoad,
      // which storeAddedLoad above takes.)
      case O::I32Add:  // commutative: t may be either operand
        if ((a == t) == (b == t)) return false;
        fused = O::I32AddMem;
        rest[0] = a == t ? b : a;
        break;
      case O::F64Sub:
        if (a != t || b == t) return false;
        fused = O::F64SubMem;
        rest[0] = b;
        break;
      case O::I32AddImm:
        if (a != t) return false;
        fused = O::I32AddImmMem;
        rest[0] = b;  // the immediate
        break;
      case O::F64MulAdd:
      case O::F64MulSub: {
        uint32_t c = code_[op.dst_word + 3];
        if (a != t || b == t || c == t) return false;
        fused = kind == O::F64MulAdd ? O::F64MulAddMem : O::F64MulSubMem;
        rest = {b, c};
        break;
      }
      default: return false;
    }
    if (adjacent) {
      truncateCode(load_start);
      dropLastProducer();  // the op
      dropLastProducer();  // the load
    } else {
      removeInstruction(load_start);
      truncateCode(op.dst_word - 1);
      dropLastProducer();  // the op
    }
    if (fused == O::F64MulAddMem)
      emitMulAddMem(addr, offset, rest[0], rest[1]);
    else if (fused == O::F64MulSubMem)
      emit(fused, {addr, offset, rest[0], rest[1]});
    else
      emit(fused, {addr, offset, rest[0]});
    return true;
  }

  // The start of the instruction that last wrote stack temporary t, looking
  // back from the instruction at `from` across pure steps (isPureStep) that
  // neither read nor write t nor write `keep` (a slot the caller needs
  // unchanged since), with no label after it. kNoPatch if there is none
  // within a few instructions.
  uint32_t writerAcrossPureSteps(uint32_t t, uint32_t from) const {
    using O = InternalOp;
    constexpr int kMaxSteps = 32;  // bounds the compile cost
    auto it = std::lower_bound(instr_starts_.begin(), instr_starts_.end(), from);
    for (int steps = 0; it != instr_starts_.begin() && steps < kMaxSteps; ++steps) {
      uint32_t start = *--it;
      auto op = static_cast<O>(code_[start]);
      if (op == O::Removed) continue;
      if (!isPureStep(op)) return kNoPatch;
      if (code_[start + 1] == t) return label_ == UINT32_MAX || label_ <= start ? start : kNoPatch;
      uint32_t n = internalOperandCount(op, &code_[start + 1]);
      // Any other word equal to t (a slot read, or an immediate: conservative).
      for (uint32_t i = 2; i <= n; ++i)
        if (code_[start + i] == t) return kNoPatch;
    }
    return kNoPatch;
  }
  // Whether an instruction after `start` and before `from` (pure steps, as
  // writerAcrossPureSteps found them) writes `slot`.
  bool writtenBetween(uint32_t slot, uint32_t start, uint32_t from) const {
    auto it = std::upper_bound(instr_starts_.begin(), instr_starts_.end(), start);
    for (; it != instr_starts_.end() && *it < from; ++it)
      if (code_[*it] != uint32_t(InternalOp::Removed) && code_[*it + 1] == slot) return true;
    return false;
  }

  // The start of the `load` (F64Load or I32Load) that wrote t from
  // [addr + offset], if only pure steps lie between (writerAcrossPureSteps)
  // and none writes addr.
  uint32_t hoistedLoad(InternalOp load, uint32_t t, uint32_t addr, uint32_t offset, uint32_t from) const {
    uint32_t start = writerAcrossPureSteps(t, from);
    if (start == kNoPatch || code_[start] != uint32_t(load) || code_[start + 2] != addr ||
        code_[start + 3] != offset || writtenBetween(addr, start, from))
      return kNoPatch;
    return start;
  }

  // An i32 add with one operand loaded earlier, across pure steps (SHA-2's
  // "t1 = ... + K[i] + W[i]"): the load becomes Removed and the add reads
  // memory itself (internal_ops.def: I32AddLoadIndexed, I32AddAddLoadAddImm).
  // `kind` is the load op wanted; on success returns the load's start and
  // sets t to the operand it wrote.
  uint32_t loadedI32Operand(InternalOp kind, std::initializer_list<uint32_t> operands, uint32_t& t) const {
    for (uint32_t candidate : operands) {
      if (candidate < num_local_slots_) continue;
      uint32_t start = writerAcrossPureSteps(candidate, here());
      if (start == kNoPatch || code_[start] != uint32_t(kind)) continue;
      // The address slots, [base] and for Indexed [index], unchanged since.
      if (writtenBetween(code_[start + 2], start, here())) continue;
      if (kind == InternalOp::I32LoadIndexed && writtenBetween(code_[start + 3], start, here())) continue;
      t = candidate;
      return start;
    }
    return kNoPatch;
  }

  bool emitAddOfLoaded(InternalOp op, uint32_t dst, uint32_t a, uint32_t b) {
    using O = InternalOp;
    if (op != O::I32Add || !emitting() || a == b) return false;
    uint32_t t = 0;
    uint32_t start = loadedI32Operand(O::I32LoadIndexed, {a, b}, t);
    if (start == kNoPatch) return false;
    uint32_t other = t == a ? b : a;
    std::array<uint32_t, 4> access{code_[start + 2], code_[start + 3], code_[start + 4], code_[start + 5]};
    removeInstruction(start);
    emit(O::I32AddLoadIndexed, {dst, other, access[0], access[1], access[2], access[3]});
    return true;
  }

  // The same for i32.add_add (a + (b + c)) with `a` loaded (I32LoadAddImm).
  bool addAddOfLoaded(uint32_t dst, uint32_t a, uint32_t b, uint32_t c) {
    using O = InternalOp;
    uint32_t t = 0;
    if (!emitting() || a == b || a == c) return false;
    uint32_t start = loadedI32Operand(O::I32LoadAddImm, {a}, t);
    if (start == kNoPatch) return false;
    std::array<uint32_t, 3> access{code_[start + 2], code_[start + 3], code_[start + 4]};
    removeInstruction(start);
    emit(O::I32AddAddLoadAddImm, {dst, b, c, access[0], access[1], access[2]});
    return true;
  }

  // "f64.const c ; ... ; f64.div" (or sub) with the constant the left
  // operand, pushed before a computation of the right one: nbody.wasm's
  // dt / (d2 * sqrt(d2)). The Const64 becomes Removed and the op takes c
  // as an immediate (internal_ops.def: F64ImmDiv, F64ImmSub).
  bool constantLeftOperand(InternalOp op, uint32_t dst, uint32_t a, uint32_t b) {
    using O = InternalOp;
    if ((op != O::F64Div && op != O::F64Sub) || !emitting() || a < num_local_slots_ || a == b) return false;
    uint32_t start = writerAcrossPureSteps(a, here());
    if (start == kNoPatch || code_[start] != uint32_t(O::Const64)) return false;
    uint32_t lo = code_[start + 2], hi = code_[start + 3];
    removeInstruction(start);
    emit(op == O::F64Div ? O::F64ImmDiv : O::F64ImmSub, {dst, b, lo, hi});
    return true;
  }

  // "p += c" on a local just before an i32.load through p (C's `*++p`, the
  // partition loops of quicksort): one op that steps p and loads
  // (internal_ops.def: I32LoadStep). The step is the instruction just
  // before, with no label between (a local.set/tee that retargeted it emits
  // nothing).
  bool loadAfterStep(uint32_t dst, uint32_t addr, uint32_t offset) {
    using O = InternalOp;
    uint32_t start = instr_starts_.empty() ? kNoPatch : instr_starts_.back();
    if (!emitting() || start == kNoPatch || here() != start + 4 || label_ == here() || addr >= num_local_slots_)
      return false;
    auto step = static_cast<O>(code_[start]);
    if ((step != O::I32AddImm && step != O::I32SubImm) || code_[start + 1] != addr || code_[start + 2] != addr)
      return false;
    uint32_t c = step == O::I32SubImm ? 0u - code_[start + 3] : code_[start + 3];
    truncateCode(start);
    last_producer_ = before_last_producer_ = {};
    emit(O::I32LoadStep, {dst, addr, c, offset});
    noteProducer();
    return true;
  }

  // The same when the load and the add already became one F64AddLoad
  // (emitLoadOperand): "F64AddLoad v a addr off ; f64.store addr v off" is
  // m = a + m, and m + x * y when a was a product computed just before.
  bool storeAddedLoad(InternalOp store, uint32_t addr, uint32_t value, uint32_t offset) {
    using O = InternalOp;
    const Producer& op = last_producer_;
    if (store != O::F64Store || !emitting() || op.end != here() || op.dst_word == kNoPatch ||
        code_[op.dst_word - 1] != uint32_t(O::F64AddLoad) || code_[op.dst_word] != value ||
        value < num_local_slots_ || code_[op.dst_word + 2] != addr || code_[op.dst_word + 3] != offset)
      return false;
    std::array<uint32_t, 2> rest{code_[op.dst_word + 1], 0};
    uint32_t cut = op.dst_word - 1;
    bool product = productJustBefore(before_last_producer_, cut, rest[0], addr, rest);
    if (product) cut = before_last_producer_.dst_word - 1;
    truncateCode(cut);
    dropLastProducer();
    if (product) {
      dropLastProducer();
      emitMulAddMem(addr, offset, rest[0], rest[1]);
    } else {
      emit(O::F64AddMem, {addr, offset, rest[0]});
    }
    return true;
  }

  // Whether `mul`, an f64.mul into stack temporary `u`, ends right at `start`
  // (where the F64AddLoad begins): then "m = u + m" is m + x * y and the mul
  // goes too (its operands still hold the values it read). On success
  // `rest` holds x and y; the caller removes the mul.
  // nbody.wasm: "b[j].vx += dx * mi".
  bool productJustBefore(const Producer& mul, uint32_t start, uint32_t u, uint32_t addr,
                         std::array<uint32_t, 2>& rest) {
    if (mul.dst_word == kNoPatch || mul.end != start || code_[mul.dst_word] != u || u < num_local_slots_ ||
        u == addr || code_[mul.dst_word - 1] != uint32_t(InternalOp::F64Mul))
      return false;
    rest = {code_[mul.dst_word + 1], code_[mul.dst_word + 2]};
    return true;
  }

  // "m = m + x * y" at addr + offset. When addr is the local of a pending
  // address sum (AddressInLocal) that only this access reads, the access
  // computes the sum and writes the local itself, and the I32AddImm that did
  // becomes Removed (threading drops it): nbody.wasm's inner loop loses
  // three of its 27 ops.
  void emitMulAddMem(uint32_t addr, uint32_t offset, uint32_t x, uint32_t y) {
    using O = InternalOp;
    const AddressInLocal& a = address_local_;
    if (emitting() && a.start != kNoPatch && a.local == addr && a.reads == 1 && x != addr && y != addr &&
        a.start + 4 <= here() && code_[a.start] == uint32_t(O::I32AddImm) && code_[a.start + 1] == addr) {
      uint32_t base = code_[a.start + 2], imm = code_[a.start + 3];
      removeInstruction(a.start);
      address_local_.start = kNoPatch;
      emit(O::F64MulAddMemAddImm, {addr, base, imm, offset, x, y});
      return;
    }
    emit(O::F64MulAddMem, {addr, offset, x, y});
  }

  static InternalOp fusedForm(InternalOp op, FusedAddress::Kind kind) {
    bool indexed = kind == FusedAddress::Indexed;
    switch (op) {
#define WARDEN_FUSED_CASE(name) \
  case InternalOp::name:        \
    return indexed ? InternalOp::name##Indexed : InternalOp::name##AddImm;
      WARDEN_LOAD_OPS(WARDEN_FUSED_CASE)
      WARDEN_STORE_OPS(WARDEN_FUSED_CASE)
#undef WARDEN_FUSED_CASE
      default: return op;
    }
  }

  // The same for a Const64 (i64 or f64): nbody.wasm's "f64.const dt ;
  // f64.mul" in its position update loop.
  std::optional<uint64_t> takeConstant64(uint32_t slot) {
    const Producer& p = last_producer_;
    if (!emitting() || p.end != here() || p.dst_word == kNoPatch || code_[p.dst_word] != slot ||
        code_[p.dst_word - 1] != uint32_t(InternalOp::Const64))
      return std::nullopt;
    uint64_t value = uint64_t(code_[p.dst_word + 1]) | uint64_t(code_[p.dst_word + 2]) << 32;
    truncateCode(p.dst_word - 1);
    dropLastProducer();
    return value;
  }

  static InternalOp immediateForm64(InternalOp op) {
    switch (op) {
#define WARDEN_IMM64_CASE(name) \
  case InternalOp::name:        \
    return InternalOp::name##Imm;
      WARDEN_IMM_I64_OPS(WARDEN_IMM64_CASE)
      WARDEN_IMM_F64_OPS(WARDEN_IMM64_CASE)
#undef WARDEN_IMM64_CASE
      default: return InternalOp::Count_;
    }
  }

  static bool isCommutative(InternalOp op) {
    using O = InternalOp;
    return op == O::I32Add || op == O::I32Mul || op == O::I32And || op == O::I32Or || op == O::I32Xor ||
           op == O::I32Eq || op == O::I32Ne;
  }

  static InternalOp immediateForm(InternalOp op) {
    switch (op) {
#define WARDEN_IMM_CASE(name) \
  case InternalOp::name:      \
    return InternalOp::name##Imm;
      WARDEN_IMM_OPS(WARDEN_IMM_CASE)
#undef WARDEN_IMM_CASE
      default: return InternalOp::Count_;
    }
  }

  // ---- control ----

  Expect<void> enterFrame(FrameKind kind, BlockType type) {
    WARDEN_TRY(popTypes(type.params));
    ControlFrame f;
    f.kind = kind;
    f.type = type;
    f.base = height();
    f.dead = !emitting();
    frames_.push_back(std::move(f));
    pushTypes(type.params);
    return {};
  }

  // Folded entries are materialized at every block boundary, so code inside a
  // block never has to copy for values that belong to an outer one.
  Expect<void> block(FrameKind kind) {
    BlockType type = WARDEN_TRY(readBlockType());
    materializeFrom(0);
    WARDEN_TRY(enterFrame(kind, type));
    if (kind == FrameKind::Loop) {
      frame().loop_target = markLabel();
      frame().loop_check_emitted = emitting();
      emit(InternalOp::LoopCheck);
    }
    return {};
  }

  Expect<void> ifInstr() {
    BlockType type = WARDEN_TRY(readBlockType());
    uint32_t cond = operandSlot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    materializeFrom(0);
    uint32_t else_patch = emitting() ? emitCondJump(cond, false) : kNoPatch;
    WARDEN_TRY(enterFrame(FrameKind::If, type));
    frame().else_patch = else_patch;
    return {};
  }

  // Checks that the stack holds exactly the frame's results above its base.
  Expect<void> checkFrameResults() {
    const ControlFrame& f = frame();
    WARDEN_TRY(popTypes(f.type.results));
    if (height() != f.base)
      return invalid(ErrorCode::TypeMismatch, "values remain on the stack at the end of a block");
    return {};
  }

  Expect<void> elseInstr() {
    if (frame().kind != FrameKind::If) return invalid(ErrorCode::IllegalOpcode, "else without if");
    materializeFrame();  // the then-branch's results, in their slots
    WARDEN_TRY(checkFrameResults());
    ControlFrame& f = frame();
    emitJump(f);  // the then-branch skips the else-branch
    if (f.else_patch != kNoPatch) patch(f.else_patch, markLabel());
    f.else_patch = kNoPatch;
    f.kind = FrameKind::Else;
    f.unreachable = false;
    truncate(f.base);
    pushTypes(f.type.params);
    return {};
  }

  Expect<void> endInstr() {
    ControlFrame& f = frame();
    if (f.kind == FrameKind::Function) {
      emitReturn(f, height());
    } else {
      materializeFrame();  // the fall-through results, in their slots
    }
    WARDEN_TRY(checkFrameResults());
    // An if without else: the missing else-branch passes the params through.
    if (f.kind == FrameKind::If && !std::ranges::equal(f.type.params, f.type.results))
      return invalid(ErrorCode::TypeMismatch, "if without else must not change the stack's types");
    // Every back edge checked limits itself: the loop's entry needs no check
    // (termination needs one per iteration, not on entry). Saves a dispatch
    // per loop entered: fib.wasm enters one per call.
    if (f.kind == FrameKind::Loop && f.loop_check_emitted && !f.loop_check_needed)
      code_[f.loop_target] = uint32_t(InternalOp::LoopHeader);
    uint32_t end = markLabel();
    for (uint32_t word : f.end_patches) patch(word, end);
    if (f.else_patch != kNoPatch) patch(f.else_patch, end);
    std::span<const ValType> results = f.type.results;
    frames_.pop_back();
    if (!frames_.empty()) pushTypes(results);
    return {};
  }

  Expect<void> br() {
    ControlFrame* target = WARDEN_TRY(label(WARDEN_TRY(reader_.u32())));
    uint32_t h = height();
    WARDEN_TRY(popTypes(target->labelTypes()));
    if (emitting()) emitBranch(*target, h);
    markUnreachable();
    return {};
  }

  Expect<void> brIf() {
    ControlFrame* target = WARDEN_TRY(label(WARDEN_TRY(reader_.u32())));
    uint32_t cond = operandSlot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    // The label values stay on the stack for the fall-through: in their slots.
    materializeTop(uint32_t(target->labelTypes().size()));
    uint32_t h = height();
    WARDEN_TRY(popTypes(target->labelTypes()));
    pushTypes(target->labelTypes());
    if (!emitting()) return {};
    if (!branchNeedsMoves(*target, h)) {
      uint32_t word = emitCondJump(cond, true);
      if (target->kind == FrameKind::Loop) {
        bool checks = makeLoopBranch();
        target->loop_check_needed |= !checks;
        if (checks) word = fuseIncrement(word);
        patch(word, target->loop_target + (checks ? 1 : 0));
      }
      else
        target->end_patches.push_back(word);
      return {};
    }
    uint32_t skip = emitCondJump(cond, false);
    emitBranch(*target, h);
    patch(skip, markLabel());
    return {};
  }

  Expect<void> brTable() {
    uint32_t count = WARDEN_TRY(reader_.u32());
    // Every entry takes at least one byte, so the body bounds the count too.
    if (count > limits_.max_br_table || count > reader_.remaining())
      return decodeError(ErrorCode::ImplementationLimit, fmt::format("br_table with {} entries", count));
    std::vector<uint32_t> depths(size_t(count) + 1);
    for (uint32_t& d : depths) {
      d = WARDEN_TRY(reader_.u32());
      WARDEN_TRY(label(d));
    }
    uint32_t index_slot = operandSlot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    materializeFrom(0);  // type checking below pops and pushes the label values
    uint32_t h = height();

    // Each label must accept the values on the stack; labels of one arity.
    size_t arity = WARDEN_TRY(label(depths.back()))->labelTypes().size();
    std::vector<ValType> popped(arity);
    for (uint32_t d : depths) {
      std::span<const ValType> types = WARDEN_TRY(label(d))->labelTypes();
      if (types.size() != arity)
        return invalid(ErrorCode::TypeMismatch, "br_table labels have different arities");
      // Pop and push back what was there: unknown values stay unknown.
      for (size_t i = arity; i-- > 0;) popped[i] = WARDEN_TRY(pop(types[i]));
      for (ValType t : popped) push(t);
    }
    WARDEN_TRY(popTypes(WARDEN_TRY(label(depths.back()))->labelTypes()));
    if (emitting()) emitBrTable(depths, index_slot, h);
    markUnreachable();
    return {};
  }

  // BrTable, then one stub (moves + jump) per label that needs moves.
  void emitBrTable(const std::vector<uint32_t>& depths, uint32_t index_slot, uint32_t h) {
    emit(InternalOp::BrTable, {index_slot, uint32_t(depths.size() - 1)});
    uint32_t first_entry = here();
    code_.resize(code_.size() + depths.size(), 0);  // the br_table target words (no new instruction)
    std::vector<uint32_t> stubs(frames_.size(), kNoPatch);
    for (size_t i = 0; i < depths.size(); ++i) {
      uint32_t word = first_entry + uint32_t(i);
      ControlFrame& target = frames_[frames_.size() - 1 - depths[i]];
      if (branchNeedsMoves(target, h)) {
        uint32_t& stub = stubs[depths[i]];
        if (stub == kNoPatch) {
          stub = markLabel();
          emitBranch(target, h);
        }
        patch(word, stub);
      } else if (target.kind == FrameKind::Loop) {
        target.loop_check_needed = true;
        patch(word, target.loop_target);
      } else {
        target.end_patches.push_back(word);
      }
    }
  }

  // Returns with the stack at height `h`. A single result that the last
  // instruction wrote to its own slot is written straight to fp[0] instead,
  // saving the Move (every handler reads its operands before it writes).
  void emitReturn(ControlFrame& fn, uint32_t h) {
    if (!emitting()) return;
    const Producer& p = last_producer_;
    bool retarget = fn.type.results.size() == 1 && slotWidth(fn.type.results[0]) == 1 && h > frame().base &&
                    !folded(h - 1) && p.end == here() && p.dst_word != kNoPatch && code_[p.dst_word] == slot(h - 1);
    if (retarget) {
      patch(p.dst_word, 0);
      emit(InternalOp::Return);
      return;
    }
    emitBranch(fn, h);
  }

  Expect<void> returnInstr() {
    ControlFrame& fn = frames_.front();
    uint32_t h = height();
    WARDEN_TRY(popTypes(fn.type.results));
    emitReturn(fn, h);
    markUnreachable();
    return {};
  }

  // Pops the callee's params, pushes its results; returns the arg base slot.
  Expect<uint32_t> callSignature(const FuncType& type) {
    WARDEN_TRY(popTypes(type.params));
    uint32_t arg_base = slot(height());
    pushTypes(type.results);
    return arg_base;
  }

  Expect<void> call() {
    uint32_t func = WARDEN_TRY(reader_.u32());
    if (func >= module_.numFuncs()) return invalid(ErrorCode::UnknownFunction, fmt::format("function {}", func));
    materializeTop(uint32_t(module_.funcType(func).params.size()));  // arguments sit side by side
    uint32_t arg_base = WARDEN_TRY(callSignature(module_.funcType(func)));
    emit(InternalOp::Call, {func, arg_base});
    return {};
  }

  Expect<void> callIndirect() {
    uint32_t type_index = WARDEN_TRY(reader_.u32());
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType elem = WARDEN_TRY(tableElemType(table));
    if (type_index >= module_.types.size())
      return invalid(ErrorCode::UnknownType, fmt::format("type {}", type_index));
    if (elem != ValType::FuncRef) return invalid(ErrorCode::TypeMismatch, "call_indirect needs a funcref table");
    uint32_t index_slot = operandSlot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    materializeTop(uint32_t(module_.types[type_index].params.size()));
    uint32_t arg_base = WARDEN_TRY(callSignature(module_.types[type_index]));
    emit(InternalOp::CallIndirect, {type_index, table, index_slot, arg_base});
    return {};
  }

  // ---- parametric ----

  Expect<void> drop() {
    WARDEN_TRY(pop());
    return {};
  }

  Expect<void> select() {
    uint32_t h = height();
    SelectSlots slots = selectSlots(h);
    WARDEN_TRY(pop(ValType::I32));
    ValType b = WARDEN_TRY(pop());
    ValType a = WARDEN_TRY(pop());
    if (isRefType(a) || isRefType(b))
      return invalid(ErrorCode::TypeMismatch, "select without a type needs numeric operands");
    if (a != b && a != kUnknown && b != kUnknown)
      return invalid(ErrorCode::TypeMismatch, "select operands differ");
    ValType t = a == kUnknown ? b : a;
    push(t);
    emitSelect(t, slots);
    return {};
  }

  Expect<void> selectTyped() {
    uint32_t count = WARDEN_TRY(reader_.u32());
    if (count != 1) return invalid(ErrorCode::InvalidResultArity, "select needs exactly one type");
    ValType t = WARDEN_TRY(readValType());
    SelectSlots slots = selectSlots(height());
    WARDEN_TRY(pop(ValType::I32));
    WARDEN_TRY(pop(t));
    WARDEN_TRY(pop(t));
    push(t);
    emitSelect(t, slots);
    return {};
  }

  // Operands a, b, cond at heights h-3, h-2, h-1; the result replaces a.
  struct SelectSlots {
    uint32_t dst, a, b, cond;
  };
  SelectSlots selectSlots(uint32_t h) const {
    return {slot(h - 3), operandSlot(h - 3), operandSlot(h - 2), operandSlot(h - 1)};
  }
  void emitSelect(ValType t, SelectSlots s) {
    if (t == ValType::V128) {
      emit(InternalOp::Select128, {s.dst, s.a, s.b, s.cond});
      return;
    }
    if (!selectOnCompare(s)) emit(InternalOp::Select, {s.dst, s.a, s.b, s.cond});
    noteProducer();
  }

  // "i32.<cmp> c x y ; select d a b c" (c a stack temporary read by nothing
  // else): one op (internal_ops.def: Select<cmp>, Select<cmp>Imm). sort.wasm's
  // branch-free merge takes min(a, b) this way every element.
  bool selectOnCompare(const SelectSlots& s) {
    using O = InternalOp;
    const Producer& p = last_producer_;
    if (!emitting() || p.end != here() || p.dst_word == kNoPatch || code_[p.dst_word] != s.cond ||
        s.cond < num_local_slots_ || s.cond == s.a || s.cond == s.b || p.end - p.dst_word != 3)
      return false;
    O fused = O::Count_;
    switch (static_cast<O>(code_[p.dst_word - 1])) {
#define WARDEN_SELECT_CASE(name)                \
  case O::name: fused = O::Select##name; break; \
  case O::name##Imm: fused = O::Select##name##Imm; break;
      WARDEN_SELECT_CMP_OPS(WARDEN_SELECT_CASE)
#undef WARDEN_SELECT_CASE
      default: return false;
    }
    uint32_t x = code_[p.dst_word + 1], y = code_[p.dst_word + 2];
    truncateCode(p.dst_word - 1);
    dropLastProducer();
    emit(fused, {s.dst, s.a, s.b, x, y});
    return true;
  }


  // ---- variables ----

  Expect<uint32_t> localIndex() {
    uint32_t index = WARDEN_TRY(reader_.u32());
    if (index >= num_locals_) return invalid(ErrorCode::UnknownLocal, fmt::format("local {}", index));
    return index;
  }

  // Operand folding: `local.get` emits nothing; its entry reads the local in
  // place until something needs the value in the entry's own slot (see
  // materializeFrom). Moves were 37-49% of executed ops before; with this and
  // the local.set retargeting below, callgrind on `sha256.wasm 1` went from
  // 346M to 245M instructions (-29%).
  Expect<void> localGet() {
    uint32_t index = WARDEN_TRY(localIndex());
    if (local_types_[index] == ValType::V128) {
      uint32_t dst = slot(height());
      push(ValType::V128);
      emit(InternalOp::Move128, {dst, local_slots_[index]});
      return {};
    }
    pushLocal(index);
    // It emits nothing, so the instructions before stay the last ones: a
    // constant before it may still become an immediate (isCommutative), an
    // address before it may still fuse into a store (takeAddress).
    keep_producers_ = true;
    return {};
  }

  Expect<void> localSet(bool tee) {
    uint32_t index = WARDEN_TRY(localIndex());
    ValType t = local_types_[index];
    uint32_t h = height();
    uint32_t src = operandSlot(h - 1);
    uint32_t top_src = h > frame().base ? stack_src_[h - 1] : kCanonical;
    WARDEN_TRY(pop(t));
    uint32_t local = local_slots_[index];
    if (address_local_.start != kNoPatch && (local == address_local_.local || local == address_local_.base))
      address_local_.start = kNoPatch;
    if (t == ValType::V128) {
      emit(InternalOp::Move128, {local, src});
      if (tee) push(t);
      return {};
    }
    bool address_sum = false;
    if (top_src != index) {
      // The instruction just before wrote this value to its own slot: make it
      // write the local instead, unless a stacked entry still reads the old value.
      const Producer& p = last_producer_;
      bool retarget = emitting() && top_src == kCanonical && local_ref_counts_[index] == 0 &&
                      p.end == here() && p.dst_word != kNoPatch && code_[p.dst_word] == src;
      if (retarget) {
        patch(p.dst_word, local);
        address_sum = tee && code_[p.dst_word - 1] == uint32_t(InternalOp::I32AddImm) &&
                      code_[p.dst_word + 1] < num_local_slots_;
      } else {
        materializeLocal(index);
        emit(InternalOp::Move, {local, src});
      }
    }
    if (tee) pushLocal(index);
    if (address_sum)
      address_local_ = {last_producer_.dst_word - 1, local, code_[last_producer_.dst_word + 1], 0};
    return {};
  }

  Expect<uint32_t> globalIndex() {
    uint32_t index = WARDEN_TRY(reader_.u32());
    if (index >= module_.numGlobals()) return invalid(ErrorCode::UnknownGlobal, fmt::format("global {}", index));
    return index;
  }

  Expect<void> globalGet() {
    uint32_t index = WARDEN_TRY(globalIndex());
    uint32_t dst = slot(height());
    ValType t = module_.globalType(index).type;
    push(t);
    if (t == ValType::V128) {
      emit(InternalOp::GlobalGet128, {dst, index});
    } else {
      emit(InternalOp::GlobalGet, {dst, index});
      noteProducer();
    }
    return {};
  }

  Expect<void> globalSet() {
    uint32_t index = WARDEN_TRY(globalIndex());
    GlobalType type = module_.globalType(index);
    if (!type.mutable_) return invalid(ErrorCode::ImmutableGlobal, fmt::format("global {}", index));
    uint32_t src = operandSlot(height() - 1);
    WARDEN_TRY(pop(type.type));
    emit(type.type == ValType::V128 ? InternalOp::GlobalSet128 : InternalOp::GlobalSet, {index, src});
    return {};
  }

  // ---- memory ----

  Expect<void> memoryAccess(const MemAccess& access) {
    uint32_t align = WARDEN_TRY(reader_.u32());
    uint32_t offset = WARDEN_TRY(reader_.u32());
    WARDEN_TRY(requireMemory());
    if (align > access.natural_align)
      return invalid(ErrorCode::InvalidAlignment, fmt::format("alignment 2^{}", align));
    uint32_t h = height();
    if (access.store) {
      uint32_t addr = operandSlot(h - 2), value = operandSlot(h - 1);
      WARDEN_TRY(pop(access.type));
      WARDEN_TRY(pop(ValType::I32));
      if (storeReadModifyWrite(access.op, addr, value, offset)) return {};
      FusedAddress a = takeAddress(addr);
      switch (a.kind) {
        case FusedAddress::AddImm: emit(fusedForm(access.op, a.kind), {a.base, a.imm_or_index, value, offset}); break;
        case FusedAddress::Indexed:
          emit(fusedForm(access.op, a.kind), {a.base, a.imm_or_index, a.shift, value, offset});
          break;
        case FusedAddress::None: emit(access.op, {addr, value, offset}); break;
      }
    } else {
      uint32_t dst = slot(h - 1), addr = operandSlot(h - 1);
      WARDEN_TRY(pop(ValType::I32));
      push(access.type);
      if (access.op == InternalOp::I32Load && loadAfterStep(dst, addr, offset)) return {};
      FusedAddress a = takeAddress(addr);
      switch (a.kind) {
        case FusedAddress::AddImm: emit(fusedForm(access.op, a.kind), {dst, a.base, a.imm_or_index, offset}); break;
        case FusedAddress::Indexed:
          emit(fusedForm(access.op, a.kind), {dst, a.base, a.imm_or_index, a.shift, offset});
          break;
        case FusedAddress::None: emit(access.op, {dst, addr, offset}); break;
      }
      noteProducer();
    }
    return {};
  }

  // The threads proposal's atomics (atomic_table.h). Their operands are read
  // before the result is written, like every handler's, and none joins a
  // peephole: each is an op of its own, a barrier to the fusions.
  Expect<void> atomic() {
    uint32_t sub = WARDEN_TRY(reader_.u32());
    if (!limits_.threads || sub >= kAtomicTable.size() || !kAtomicTable[sub].valid)
      return decodeError(ErrorCode::IllegalOpcode, fmt::format("opcode 0xfe {}", sub));
    const AtomicSig& sig = kAtomicTable[sub];
    if (sig.kind == AtomicKind::Fence) {
      WARDEN_TRY(zeroByte());
      emit(sig.op, {0});
      return {};
    }
    uint32_t align = WARDEN_TRY(reader_.u32());
    uint32_t offset = WARDEN_TRY(reader_.u32());
    WARDEN_TRY(requireMemory());
    if (align != sig.width_log2)
      return invalid(ErrorCode::InvalidAtomicAlignment, fmt::format("alignment 2^{} on a {}-byte atomic", align, 1u << sig.width_log2));
    uint32_t h = height();
    switch (sig.kind) {
      case AtomicKind::Load: {
        uint32_t dst = slot(h - 1), addr = operandSlot(h - 1);
        WARDEN_TRY(pop(ValType::I32));
        push(sig.type);
        emit(sig.op, {dst, addr, offset});
        return {};
      }
      case AtomicKind::Store: {
        uint32_t addr = operandSlot(h - 2), value = operandSlot(h - 1);
        WARDEN_TRY(pop(sig.type));
        WARDEN_TRY(pop(ValType::I32));
        emit(sig.op, {addr, value, offset});
        return {};
      }
      case AtomicKind::Notify: {
        uint32_t dst = slot(h - 2), addr = operandSlot(h - 2), count = operandSlot(h - 1);
        WARDEN_TRY(pop(ValType::I32));
        WARDEN_TRY(pop(ValType::I32));
        push(ValType::I32);
        emit(sig.op, {dst, addr, count, offset});
        return {};
      }
      case AtomicKind::Wait: {
        uint32_t dst = slot(h - 3), addr = operandSlot(h - 3), expected = operandSlot(h - 2),
                 timeout = operandSlot(h - 1);
        WARDEN_TRY(pop(ValType::I64));
        WARDEN_TRY(pop(sig.type));
        WARDEN_TRY(pop(ValType::I32));
        push(ValType::I32);
        emit(sig.op, {dst, addr, expected, timeout, offset});
        return {};
      }
      case AtomicKind::Cmpxchg: {
        uint32_t dst = slot(h - 3), addr = operandSlot(h - 3), expected = operandSlot(h - 2),
                 replacement = operandSlot(h - 1);
        WARDEN_TRY(pop(sig.type));
        WARDEN_TRY(pop(sig.type));
        WARDEN_TRY(pop(ValType::I32));
        push(sig.type);
        emit(sig.op, {dst, addr, expected, replacement, offset});
        return {};
      }
      default: {  // read-modify-write
        uint32_t dst = slot(h - 2), addr = operandSlot(h - 2), value = operandSlot(h - 1);
        WARDEN_TRY(pop(sig.type));
        WARDEN_TRY(pop(ValType::I32));
        push(sig.type);
        emit(sig.op, {dst, addr, value, offset});
        return {};
      }
    }
  }

  Expect<void> memorySize() {
    WARDEN_TRY(zeroByte());
    WARDEN_TRY(requireMemory());
    uint32_t dst = slot(height());
    push(ValType::I32);
    emit(InternalOp::MemorySize, {dst});
    return {};
  }

  Expect<void> memoryGrow() {
    WARDEN_TRY(zeroByte());
    WARDEN_TRY(requireMemory());
    uint32_t dst = slot(height() - 1), delta = operandSlot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    push(ValType::I32);
    emit(InternalOp::MemoryGrow, {dst, delta});
    return {};
  }

  // Pops three i32 operands; returns the slots they are read from.
  Expect<std::array<uint32_t, 3>> popThreeI32() {
    uint32_t h = height();
    std::array<uint32_t, 3> slots = {operandSlot(h - 3), operandSlot(h - 2), operandSlot(h - 1)};
    for (int i = 0; i < 3; ++i) WARDEN_TRY(pop(ValType::I32));
    return slots;
  }

  Expect<void> memoryInit() {
    uint32_t data = WARDEN_TRY(reader_.u32());
    WARDEN_TRY(zeroByte());
    WARDEN_TRY(requireDataCount());
    WARDEN_TRY(requireMemory());
    WARDEN_TRY(requireDataSegment(data));
    auto d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::MemoryInit, {data, d[0], d[1], d[2]});
    return {};
  }

  Expect<void> dataDrop() {
    uint32_t data = WARDEN_TRY(reader_.u32());
    WARDEN_TRY(requireDataCount());
    WARDEN_TRY(requireDataSegment(data));
    emit(InternalOp::DataDrop, {data});
    return {};
  }

  Expect<void> memoryCopy() {
    WARDEN_TRY(zeroByte());
    WARDEN_TRY(zeroByte());
    WARDEN_TRY(requireMemory());
    auto d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::MemoryCopy, {d[0], d[1], d[2]});
    return {};
  }

  Expect<void> memoryFill() {
    WARDEN_TRY(zeroByte());
    WARDEN_TRY(requireMemory());
    auto d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::MemoryFill, {d[0], d[1], d[2]});
    return {};
  }

  // ---- tables ----

  Expect<void> tableGet() {
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType elem = WARDEN_TRY(tableElemType(table));
    uint32_t dst = slot(height() - 1), index = operandSlot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    push(elem);
    emit(InternalOp::TableGet, {dst, table, index});
    return {};
  }

  Expect<void> tableSet() {
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType elem = WARDEN_TRY(tableElemType(table));
    uint32_t h = height();
    uint32_t index = operandSlot(h - 2), value = operandSlot(h - 1);
    WARDEN_TRY(pop(elem));
    WARDEN_TRY(pop(ValType::I32));
    emit(InternalOp::TableSet, {table, index, value});
    return {};
  }

  Expect<void> tableInit() {
    uint32_t elem_index = WARDEN_TRY(reader_.u32());
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType table_elem = WARDEN_TRY(tableElemType(table));
    ValType segment_elem = WARDEN_TRY(elemSegmentType(elem_index));
    if (table_elem != segment_elem)
      return invalid(ErrorCode::TypeMismatch, "table.init element types differ");
    auto d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::TableInit, {table, elem_index, d[0], d[1], d[2]});
    return {};
  }

  Expect<void> elemDrop() {
    uint32_t elem_index = WARDEN_TRY(reader_.u32());
    WARDEN_TRY(elemSegmentType(elem_index));
    emit(InternalOp::ElemDrop, {elem_index});
    return {};
  }

  Expect<void> tableCopy() {
    uint32_t dst_table = WARDEN_TRY(reader_.u32());
    uint32_t src_table = WARDEN_TRY(reader_.u32());
    ValType dst_elem = WARDEN_TRY(tableElemType(dst_table));
    ValType src_elem = WARDEN_TRY(tableElemType(src_table));
    if (dst_elem != src_elem) return invalid(ErrorCode::TypeMismatch, "table.copy element types differ");
    auto d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::TableCopy, {dst_table, src_table, d[0], d[1], d[2]});
    return {};
  }

  Expect<void> tableGrow() {
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType elem = WARDEN_TRY(tableElemType(table));
    uint32_t h = height();
    uint32_t dst = slot(h - 2), init = operandSlot(h - 2), delta = operandSlot(h - 1);
    WARDEN_TRY(pop(ValType::I32));
    WARDEN_TRY(pop(elem));
    push(ValType::I32);
    emit(InternalOp::TableGrow, {dst, table, init, delta});
    return {};
  }

  Expect<void> tableSize() {
    uint32_t table = WARDEN_TRY(reader_.u32());
    WARDEN_TRY(tableElemType(table));
    uint32_t dst = slot(height());
    push(ValType::I32);
    emit(InternalOp::TableSize, {dst, table});
    return {};
  }

  Expect<void> tableFill() {
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType elem = WARDEN_TRY(tableElemType(table));
    uint32_t h = height();
    uint32_t start = operandSlot(h - 3), value = operandSlot(h - 2), len = operandSlot(h - 1);
    WARDEN_TRY(pop(ValType::I32));
    WARDEN_TRY(pop(elem));
    WARDEN_TRY(pop(ValType::I32));
    emit(InternalOp::TableFill, {table, start, value, len});
    return {};
  }

  // ---- fixed-width SIMD (simd_ops.def) ----

  Expect<uint32_t> simdMemarg(const SimdSig& sig) {
    uint32_t align = WARDEN_TRY(reader_.u32());
    uint32_t offset = WARDEN_TRY(reader_.u32());
    WARDEN_TRY(requireMemory());
    if (align > sig.align) return invalid(ErrorCode::InvalidAlignment, fmt::format("alignment 2^{}", align));
    return offset;
  }

  Expect<uint32_t> simdLane(const SimdSig& sig) {
    uint8_t lane = WARDEN_TRY(reader_.u8());
    if (lane >= sig.lanes) return invalid(ErrorCode::InvalidLaneIndex, fmt::format("lane {}", lane));
    return lane;
  }

  // 16 immediate bytes as 4 little-endian words.
  Expect<std::array<uint32_t, 4>> simdBytes16() {
    std::span<const uint8_t> bytes = WARDEN_TRY(reader_.bytes(16));
    std::array<uint32_t, 4> words{};
    for (int i = 0; i < 16; ++i) words[i / 4] |= uint32_t(bytes[i]) << (8 * (i % 4));
    return words;
  }

  Expect<void> simd() {
    uint32_t sub = WARDEN_TRY(reader_.u32());
    if (sub >= kSimdTable.size() || !kSimdTable[sub].valid)
      return invalid(ErrorCode::IllegalOpcode, fmt::format("opcode 0xfd {}", sub));
    const SimdSig& sig = kSimdTable[sub];
    constexpr ValType V = ValType::V128;
    materializeTop(3);  // SIMD handlers read their (at most 3) operands from their own slots
    uint32_t h = height();
    switch (sig.shape) {
      case SimdShape::Load: {
        uint32_t offset = WARDEN_TRY(simdMemarg(sig));
        WARDEN_TRY(pop(ValType::I32));
        push(V);
        emit(sig.op, {slot(h - 1), slot(h - 1), offset});
        return {};
      }
      case SimdShape::Store: {
        uint32_t offset = WARDEN_TRY(simdMemarg(sig));
        WARDEN_TRY(pop(V));
        WARDEN_TRY(pop(ValType::I32));
        emit(sig.op, {slot(h - 2), slot(h - 1), offset});
        return {};
      }
      case SimdShape::LoadLane: {
        uint32_t offset = WARDEN_TRY(simdMemarg(sig));
        uint32_t lane = WARDEN_TRY(simdLane(sig));
        WARDEN_TRY(pop(V));
        WARDEN_TRY(pop(ValType::I32));
        push(V);
        emit(sig.op, {slot(h - 2), slot(h - 2), slot(h - 1), offset, lane});
        return {};
      }
      case SimdShape::StoreLane: {
        uint32_t offset = WARDEN_TRY(simdMemarg(sig));
        uint32_t lane = WARDEN_TRY(simdLane(sig));
        WARDEN_TRY(pop(V));
        WARDEN_TRY(pop(ValType::I32));
        emit(sig.op, {slot(h - 2), slot(h - 1), offset, lane});
        return {};
      }
      case SimdShape::Const: {
        std::array<uint32_t, 4> w = WARDEN_TRY(simdBytes16());
        push(V);
        emit(sig.op, {slot(h), w[0], w[1], w[2], w[3]});
        return {};
      }
      case SimdShape::Shuffle: {
        std::array<uint32_t, 4> w = WARDEN_TRY(simdBytes16());
        for (int i = 0; i < 16; ++i)
          if (((w[i / 4] >> (8 * (i % 4))) & 0xFF) >= 32) return invalid(ErrorCode::InvalidLaneIndex, "shuffle lane");
        WARDEN_TRY(pop(V));
        WARDEN_TRY(pop(V));
        push(V);
        emit(sig.op, {slot(h - 2), slot(h - 2), slot(h - 1), w[0], w[1], w[2], w[3]});
        return {};
      }
      case SimdShape::Extract: {
        uint32_t lane = WARDEN_TRY(simdLane(sig));
        WARDEN_TRY(pop(V));
        push(sig.scalar);
        emit(sig.op, {slot(h - 1), slot(h - 1), lane});
        return {};
      }
      case SimdShape::Replace: {
        uint32_t lane = WARDEN_TRY(simdLane(sig));
        WARDEN_TRY(pop(sig.scalar));
        WARDEN_TRY(pop(V));
        push(V);
        emit(sig.op, {slot(h - 2), slot(h - 2), slot(h - 1), lane});
        return {};
      }
      case SimdShape::Splat:
        WARDEN_TRY(pop(sig.scalar));
        push(V);
        emit(sig.op, {slot(h - 1), slot(h - 1)});
        return {};
      case SimdShape::Unary:
      case SimdShape::Test:
        WARDEN_TRY(pop(V));
        push(sig.shape == SimdShape::Test ? ValType::I32 : V);
        emit(sig.op, {slot(h - 1), slot(h - 1)});
        return {};
      case SimdShape::Binary:
      case SimdShape::Shift:
        WARDEN_TRY(pop(sig.shape == SimdShape::Shift ? ValType::I32 : V));
        WARDEN_TRY(pop(V));
        push(V);
        emit(sig.op, {slot(h - 2), slot(h - 2), slot(h - 1)});
        return {};
      case SimdShape::Ternary:
        for (int i = 0; i < 3; ++i) WARDEN_TRY(pop(V));
        push(V);
        emit(sig.op, {slot(h - 3), slot(h - 3), slot(h - 2), slot(h - 1)});
        return {};
    }
    return {};
  }

  // ---- constants and references ----

  Expect<void> constant32(ValType type, uint32_t bits) {
    uint32_t dst = slot(height());
    push(type);
    emit(InternalOp::Const32, {dst, bits});
    noteProducer();
    return {};
  }

  Expect<void> constant64(ValType type, uint64_t bits) {
    uint32_t dst = slot(height());
    push(type);
    emit(InternalOp::Const64, {dst, uint32_t(bits), uint32_t(bits >> 32)});
    noteProducer();
    return {};
  }

  Expect<void> refNull() {
    uint8_t b = WARDEN_TRY(reader_.u8());
    auto t = valTypeFromByte(b);
    if (!t || !isRefType(*t))
      return decodeError(ErrorCode::MalformedRefType, fmt::format("reference type 0x{:x}", b));
    uint32_t dst = slot(height());
    push(*t);
    emit(InternalOp::RefNull, {dst});
    return {};
  }

  Expect<void> refIsNull() {
    uint32_t dst = slot(height() - 1), src = operandSlot(height() - 1);
    ValType t = WARDEN_TRY(pop());
    if (t != kUnknown && !isRefType(t))
      return invalid(ErrorCode::TypeMismatch, fmt::format("ref.is_null on {}", typeName(t)));
    push(ValType::I32);
    emit(InternalOp::RefIsNull, {dst, src});
    return {};
  }

  Expect<void> refFunc() {
    uint32_t func = WARDEN_TRY(reader_.u32());
    if (func >= module_.numFuncs()) return invalid(ErrorCode::UnknownFunction, fmt::format("function {}", func));
    if (func >= declared_refs_.size() || !declared_refs_[func])
      return invalid(ErrorCode::UndeclaredFunctionReference, fmt::format("function {}", func));
    uint32_t dst = slot(height());
    push(ValType::FuncRef);
    emit(InternalOp::RefFunc, {dst, func});
    return {};
  }

  const Module& module_;
  const std::vector<bool>& declared_refs_;
  const DecodeLimits& limits_;
  const FunctionBody& body_;
  BinaryReader reader_;
  uint32_t instr_offset_ = 0;  // where the current instruction starts

  std::vector<ValType> local_types_;  // params, then declared locals
  std::vector<uint32_t> local_slots_; // local index -> its first slot
  uint32_t num_locals_ = 0;           // in values
  uint32_t num_local_slots_ = 0;      // in slots
  std::vector<ValType> stack_;        // operand types; kUnknown when polymorphic
  std::vector<uint32_t> stack_offsets_;  // slot offset of each entry (see stackOffset)
  // Operand folding: stack_src_[i] is the local index entry i still reads in
  // place (kCanonical: its value is in its own slot). Like stack_offsets_ it
  // is kept above the height, for the operands an instruction just popped.
  std::vector<uint32_t> stack_src_;
  std::vector<uint32_t> local_ref_counts_;  // local -> entries on the stack reading it in place
  uint32_t num_virtual_ = 0;          // entries on the stack that read a local in place
  Producer producer_;                 // set by the instruction just lowered, if it produced the top
  Producer last_producer_;            // the previous instruction's, seen by local.set/tee
  Producer before_last_producer_;     // the one before that (indexed addresses)
  bool keep_producers_ = false;       // the instruction emitted nothing: keep the two above
  uint32_t label_ = UINT32_MAX;       // the last code position a branch targets
  AddressInLocal address_local_;     // the latest local.tee of an address sum, while it may still move
  std::vector<ControlFrame> frames_;
  uint32_t max_slots_ = 0;            // highest operand-stack slot count reached
  uint32_t last_instr_start_ = 0;       // code index of the last emitted opcode word
  std::vector<uint32_t> instr_starts_;  // every instruction's start, in order (truncateCode keeps it exact)

  std::vector<uint32_t> code_;
  CompiledFunction out_;
};

}  // namespace

Expect<CompiledFunction> compileFunction(const Module& module, uint32_t defined_index,
                                         const std::vector<bool>& declared_refs, const DecodeLimits& limits) {
  uint32_t func_index = module.num_imported_funcs + defined_index;
  if (defined_index >= module.functions.size() || defined_index >= module.bodies.size())
    return fail(ErrorCode::InvalidArgument, fmt::format("no defined function {}", defined_index));
  if (module.functions[defined_index] >= module.types.size())
    return fail(ErrorCode::UnknownType, fmt::format("function {}: type {}", func_index, module.functions[defined_index]));
  const FunctionBody& body = module.bodies[defined_index];
  if (uint64_t(body.body_offset) + body.body_size > module.bytes.size())
    return fail(ErrorCode::UnexpectedEnd, fmt::format("function {}: body lies outside the module", func_index));

  auto result = BodyCompiler(module, defined_index, declared_refs, limits).run();
  if (result) return result;
  Error error = result.error();
  // Malformed bytes anywhere in the body outrank an earlier validation error.
  if (error.phase() == ErrorPhase::Validate) {
    auto body_bytes = std::span<const uint8_t>(module.bytes).subspan(body.body_offset, body.body_size);
    if (auto scan = scanFunctionBody(module, body_bytes, body.body_offset, limits); !scan) error = scan.error();
  }
  return fail(error.code(), fmt::format("function {} {}", func_index, error.detail()));
}

}  // namespace warden
