// One pass over a function body: decode each instruction, type-check it
// against the operand stack and the control frames (Wasm 2.0 validation,
// including the polymorphic stack after unreachable/br/br_table/return), and
// emit its slot-based internal code (internal_ops.def) at the same time.
#include "runtime/function_compiler.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>

#include <fmt/format.h>

#include "runtime/binary_reader.h"
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

struct ControlFrame {
  FrameKind kind = FrameKind::Block;
  BlockType type;
  uint32_t base = 0;         // operand height below the frame's params
  bool unreachable = false;  // the stack is polymorphic (after br, return, ...)
  bool dead = false;         // entered from unreachable code: nothing is emitted
  uint32_t loop_target = 0;  // Loop: code position of its LoopCheck
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
    local_types_.reserve(type.params.size() + body_.locals.size());
    local_types_.insert(local_types_.end(), type.params.begin(), type.params.end());
    local_types_.insert(local_types_.end(), body_.locals.begin(), body_.locals.end());
    num_locals_ = uint32_t(local_types_.size());
    // Locals are addressed by slot: a v128 local takes two.
    local_slots_.reserve(num_locals_);
    for (ValType t : local_types_) {
      local_slots_.push_back(num_local_slots_);
      num_local_slots_ += slotWidth(t);
    }

    ControlFrame fn;
    fn.kind = FrameKind::Function;
    fn.type = {{}, type.results};
    frames_.push_back(std::move(fn));

    while (!frames_.empty()) {
      if (reader_.atEnd()) return decodeError(ErrorCode::UnexpectedEnd, "body ends inside a block");
      instr_offset_ = reader_.offset();
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
    if (stack_offsets_.size() < stack_.size()) stack_offsets_.resize(stack_.size());
    stack_offsets_[stack_.size() - 1] = offset;
    if (emitting()) max_slots_ = std::max(max_slots_, offset + slotWidth(t));
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
    stack_.pop_back();
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
    stack_.resize(f.base);
    f.unreachable = true;
  }

  // ---- emission (a no-op while the current code is unreachable) ----

  void emit(InternalOp op, std::initializer_list<uint32_t> operands = {}) {
    if (!emitting()) return;
    code_.push_back(static_cast<uint32_t>(op));
    code_.insert(code_.end(), operands.begin(), operands.end());
  }
  uint32_t here() const { return uint32_t(code_.size()); }
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
      case FrameKind::Loop: emit(InternalOp::Br, {target.loop_target}); return;
      default:
        emit(InternalOp::Br, {0});
        target.end_patches.push_back(lastWord());
    }
  }

  // Moves the label values from the top of a stack of height `h`, then jumps.
  void emitBranch(ControlFrame& target, uint32_t h) {
    std::span<const ValType> types = target.labelTypes();
    uint32_t n = uint32_t(types.size());
    uint32_t slots = 0;
    for (ValType t : types) slots += slotWidth(t);
    emitMoves(labelSlot(target), slot(h - n), slots);
    emitJump(target);
  }

  void patch(uint32_t word, uint32_t target) { code_[word] = target; }

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

  Expect<void> numeric(const NumericSig& sig) {
    uint32_t h = height();
    if (sig.operand1 == kUnknown) {
      WARDEN_TRY(pop(sig.operand0));
      push(sig.result);
      emit(sig.op, {slot(h - 1), slot(h - 1)});
      return {};
    }
    WARDEN_TRY(pop(sig.operand1));
    WARDEN_TRY(pop(sig.operand0));
    push(sig.result);
    emit(sig.op, {slot(h - 2), slot(h - 2), slot(h - 1)});
    return {};
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

  Expect<void> block(FrameKind kind) {
    BlockType type = WARDEN_TRY(readBlockType());
    WARDEN_TRY(enterFrame(kind, type));
    if (kind == FrameKind::Loop) {
      frame().loop_target = here();
      emit(InternalOp::LoopCheck);
    }
    return {};
  }

  Expect<void> ifInstr() {
    BlockType type = WARDEN_TRY(readBlockType());
    uint32_t cond = slot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    bool emit_branch = emitting();
    emit(InternalOp::BrUnless, {cond, 0});
    uint32_t else_patch = emit_branch ? lastWord() : kNoPatch;
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
    WARDEN_TRY(checkFrameResults());
    ControlFrame& f = frame();
    emitJump(f);  // the then-branch skips the else-branch
    if (f.else_patch != kNoPatch) patch(f.else_patch, here());
    f.else_patch = kNoPatch;
    f.kind = FrameKind::Else;
    f.unreachable = false;
    stack_.resize(f.base);
    pushTypes(f.type.params);
    return {};
  }

  Expect<void> endInstr() {
    ControlFrame& f = frame();
    if (f.kind == FrameKind::Function && emitting()) emitBranch(f, height());
    WARDEN_TRY(checkFrameResults());
    // An if without else: the missing else-branch passes the params through.
    if (f.kind == FrameKind::If && !std::ranges::equal(f.type.params, f.type.results))
      return invalid(ErrorCode::TypeMismatch, "if without else must not change the stack's types");
    uint32_t end = here();
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
    WARDEN_TRY(pop(ValType::I32));
    uint32_t h = height();
    uint32_t cond = slot(h);
    WARDEN_TRY(popTypes(target->labelTypes()));
    pushTypes(target->labelTypes());
    if (!emitting()) return {};
    if (!branchNeedsMoves(*target, h)) {
      emit(InternalOp::BrIf, {cond, 0});
      if (target->kind == FrameKind::Loop)
        patch(lastWord(), target->loop_target);
      else
        target->end_patches.push_back(lastWord());
      return {};
    }
    emit(InternalOp::BrUnless, {cond, 0});
    uint32_t skip = lastWord();
    emitBranch(*target, h);
    patch(skip, here());
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
    WARDEN_TRY(pop(ValType::I32));
    uint32_t h = height();
    uint32_t index_slot = slot(h);

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
    code_.resize(code_.size() + depths.size(), 0);
    std::vector<uint32_t> stubs(frames_.size(), kNoPatch);
    for (size_t i = 0; i < depths.size(); ++i) {
      uint32_t word = first_entry + uint32_t(i);
      ControlFrame& target = frames_[frames_.size() - 1 - depths[i]];
      if (branchNeedsMoves(target, h)) {
        uint32_t& stub = stubs[depths[i]];
        if (stub == kNoPatch) {
          stub = here();
          emitBranch(target, h);
        }
        patch(word, stub);
      } else if (target.kind == FrameKind::Loop) {
        patch(word, target.loop_target);
      } else {
        target.end_patches.push_back(word);
      }
    }
  }

  Expect<void> returnInstr() {
    ControlFrame& fn = frames_.front();
    uint32_t h = height();
    WARDEN_TRY(popTypes(fn.type.results));
    if (emitting()) emitBranch(fn, h);
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
    uint32_t index_slot = slot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
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
    WARDEN_TRY(pop(ValType::I32));
    ValType b = WARDEN_TRY(pop());
    ValType a = WARDEN_TRY(pop());
    if (isRefType(a) || isRefType(b))
      return invalid(ErrorCode::TypeMismatch, "select without a type needs numeric operands");
    if (a != b && a != kUnknown && b != kUnknown)
      return invalid(ErrorCode::TypeMismatch, "select operands differ");
    ValType t = a == kUnknown ? b : a;
    push(t);
    emitSelect(t, h);
    return {};
  }

  Expect<void> selectTyped() {
    uint32_t count = WARDEN_TRY(reader_.u32());
    if (count != 1) return invalid(ErrorCode::InvalidResultArity, "select needs exactly one type");
    ValType t = WARDEN_TRY(readValType());
    uint32_t h = height();
    WARDEN_TRY(pop(ValType::I32));
    WARDEN_TRY(pop(t));
    WARDEN_TRY(pop(t));
    push(t);
    emitSelect(t, h);
    return {};
  }

  // Operands a, b, cond were at heights h-3, h-2, h-1; the result replaces a.
  void emitSelect(ValType t, uint32_t h) {
    InternalOp op = t == ValType::V128 ? InternalOp::Select128 : InternalOp::Select;
    emit(op, {slot(h - 3), slot(h - 3), slot(h - 2), slot(h - 1)});
  }

  static InternalOp moveFor(ValType t) { return t == ValType::V128 ? InternalOp::Move128 : InternalOp::Move; }

  // ---- variables ----

  Expect<uint32_t> localIndex() {
    uint32_t index = WARDEN_TRY(reader_.u32());
    if (index >= num_locals_) return invalid(ErrorCode::UnknownLocal, fmt::format("local {}", index));
    return index;
  }

  Expect<void> localGet() {
    uint32_t index = WARDEN_TRY(localIndex());
    uint32_t dst = slot(height());
    push(local_types_[index]);
    emit(moveFor(local_types_[index]), {dst, local_slots_[index]});
    return {};
  }

  Expect<void> localSet(bool tee) {
    uint32_t index = WARDEN_TRY(localIndex());
    uint32_t src = slot(height() - 1);
    ValType t = local_types_[index];
    WARDEN_TRY(pop(t));
    emit(moveFor(t), {local_slots_[index], src});
    if (tee) push(t);
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
    emit(t == ValType::V128 ? InternalOp::GlobalGet128 : InternalOp::GlobalGet, {dst, index});
    return {};
  }

  Expect<void> globalSet() {
    uint32_t index = WARDEN_TRY(globalIndex());
    GlobalType type = module_.globalType(index);
    if (!type.mutable_) return invalid(ErrorCode::ImmutableGlobal, fmt::format("global {}", index));
    uint32_t src = slot(height() - 1);
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
      WARDEN_TRY(pop(access.type));
      WARDEN_TRY(pop(ValType::I32));
      emit(access.op, {slot(h - 2), slot(h - 1), offset});
    } else {
      WARDEN_TRY(pop(ValType::I32));
      push(access.type);
      emit(access.op, {slot(h - 1), slot(h - 1), offset});
    }
    return {};
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
    uint32_t delta = slot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    push(ValType::I32);
    emit(InternalOp::MemoryGrow, {delta, delta});
    return {};
  }

  // Pops three i32 operands; returns the slot of the first.
  Expect<uint32_t> popThreeI32() {
    uint32_t first = slot(height() - 3);
    for (int i = 0; i < 3; ++i) WARDEN_TRY(pop(ValType::I32));
    return first;
  }

  Expect<void> memoryInit() {
    uint32_t data = WARDEN_TRY(reader_.u32());
    WARDEN_TRY(zeroByte());
    WARDEN_TRY(requireDataCount());
    WARDEN_TRY(requireMemory());
    WARDEN_TRY(requireDataSegment(data));
    uint32_t d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::MemoryInit, {data, d, d + 1, d + 2});
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
    uint32_t d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::MemoryCopy, {d, d + 1, d + 2});
    return {};
  }

  Expect<void> memoryFill() {
    WARDEN_TRY(zeroByte());
    WARDEN_TRY(requireMemory());
    uint32_t d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::MemoryFill, {d, d + 1, d + 2});
    return {};
  }

  // ---- tables ----

  Expect<void> tableGet() {
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType elem = WARDEN_TRY(tableElemType(table));
    uint32_t index = slot(height() - 1);
    WARDEN_TRY(pop(ValType::I32));
    push(elem);
    emit(InternalOp::TableGet, {index, table, index});
    return {};
  }

  Expect<void> tableSet() {
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType elem = WARDEN_TRY(tableElemType(table));
    uint32_t h = height();
    WARDEN_TRY(pop(elem));
    WARDEN_TRY(pop(ValType::I32));
    emit(InternalOp::TableSet, {table, slot(h - 2), slot(h - 1)});
    return {};
  }

  Expect<void> tableInit() {
    uint32_t elem_index = WARDEN_TRY(reader_.u32());
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType table_elem = WARDEN_TRY(tableElemType(table));
    ValType segment_elem = WARDEN_TRY(elemSegmentType(elem_index));
    if (table_elem != segment_elem)
      return invalid(ErrorCode::TypeMismatch, "table.init element types differ");
    uint32_t d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::TableInit, {table, elem_index, d, d + 1, d + 2});
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
    uint32_t d = WARDEN_TRY(popThreeI32());
    emit(InternalOp::TableCopy, {dst_table, src_table, d, d + 1, d + 2});
    return {};
  }

  Expect<void> tableGrow() {
    uint32_t table = WARDEN_TRY(reader_.u32());
    ValType elem = WARDEN_TRY(tableElemType(table));
    uint32_t h = height();
    WARDEN_TRY(pop(ValType::I32));
    WARDEN_TRY(pop(elem));
    push(ValType::I32);
    emit(InternalOp::TableGrow, {slot(h - 2), table, slot(h - 2), slot(h - 1)});
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
    WARDEN_TRY(pop(ValType::I32));
    WARDEN_TRY(pop(elem));
    WARDEN_TRY(pop(ValType::I32));
    emit(InternalOp::TableFill, {table, slot(h - 3), slot(h - 2), slot(h - 1)});
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
    return {};
  }

  Expect<void> constant64(ValType type, uint64_t bits) {
    uint32_t dst = slot(height());
    push(type);
    emit(InternalOp::Const64, {dst, uint32_t(bits), uint32_t(bits >> 32)});
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
    uint32_t src = slot(height() - 1);
    ValType t = WARDEN_TRY(pop());
    if (t != kUnknown && !isRefType(t))
      return invalid(ErrorCode::TypeMismatch, fmt::format("ref.is_null on {}", typeName(t)));
    push(ValType::I32);
    emit(InternalOp::RefIsNull, {src, src});
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
  std::vector<ControlFrame> frames_;
  uint32_t max_slots_ = 0;            // highest operand-stack slot count reached

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
