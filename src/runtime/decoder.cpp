// Binary decoder: the module's sections, in order, into a Module.
// Function bodies are only split off (locals expanded); their instructions
// are decoded by the function compiler. Every count read from the input is
// bounded by DecodeLimits and by the bytes left before anything is allocated.
#include "runtime/decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/binary_reader.h"
#include "runtime/decoder_utf8.h"

namespace warden {

namespace {

constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};  // "\0asm"
constexpr uint32_t kVersion = 1;
constexpr uint8_t kOpEnd = 0x0B;
constexpr uint8_t kFuncTypeForm = 0x60;
constexpr uint8_t kMaxSectionId = 12;

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
};

std::string_view sectionName(uint8_t id) {
  static constexpr std::string_view names[] = {
      "custom section", "type section",   "import section", "function section", "table section",
      "memory section", "global section", "export section", "start section",    "element section",
      "code section",   "data section",   "data count section"};
  return id <= kMaxSectionId ? names[id] : "unknown section";
}

// Position of each known section in the required order; the data count
// section (id 12) sits between element (9) and code (10).
int sectionRank(uint8_t id) {
  static constexpr int ranks[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return ranks[id];
}

// Prefixes an error's detail with where it happened ("code section, function 3").
Error inContext(Error e, std::string_view where) {
  std::string detail(where);
  if (!e.detail().empty()) {
    detail += ", ";
    detail += e.detail();
  }
  return Error(e.code(), std::move(detail));
}

template <typename T>
Expect<T> withContext(Expect<T> result, std::string_view where) {
  if (result) return result;
  return std::unexpected(inContext(std::move(result).error(), where));
}

// The same with the place formatted only on failure: a module's thousands of
// items decode without building a string each.
template <typename T, typename A, typename... Rest>
Expect<T> withContext(Expect<T> result, fmt::format_string<A, Rest...> where, A&& a, Rest&&... rest) {
  if (result) return result;
  return std::unexpected(inContext(std::move(result).error(),
                                   fmt::format(where, std::forward<A>(a), std::forward<Rest>(rest)...)));
}

// ---------------------------------------------------------------------------
// Small readers shared by several sections.

// A vector length: bounded by the limit and by the bytes left (every entry
// takes at least one byte), so that a hostile count never drives allocation.
Expect<uint32_t> readCount(BinaryReader& r, uint32_t max, std::string_view what) {
  uint32_t n = WARDEN_TRY(r.u32());
  if (n > max) {
    return r.error(ErrorCode::ImplementationLimit, fmt::format("{} {} {} exceeds the limit {}", n, what,
                                                              n == 1 ? "entry" : "entries", max));
  }
  if (n > r.remaining()) {
    return r.error(ErrorCode::UnexpectedEnd, fmt::format("{} {} declared, {} bytes left", n, what, r.remaining()));
  }
  return n;
}

Expect<std::string> readName(BinaryReader& r) {
  uint32_t len = WARDEN_TRY(r.u32());
  if (len > r.remaining()) {
    return r.error(ErrorCode::LengthOutOfBounds, fmt::format("name of {} bytes, {} bytes left", len, r.remaining()));
  }
  uint32_t at = r.offset();
  std::span<const uint8_t> raw = WARDEN_TRY(r.bytes(len));
  if (!isValidUtf8(raw)) return fail(ErrorCode::MalformedUtf8, fmt::format("name at byte 0x{:x}", at));
  return std::string(raw.begin(), raw.end());
}

bool isValTypeByte(uint8_t b) {
  switch (b) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B: case 0x70: case 0x6F:
      return true;
    default:
      return false;
  }
}

Expect<ValType> readValType(BinaryReader& r) {
  uint8_t b = WARDEN_TRY(r.u8());
  if (!isValTypeByte(b)) return r.error(ErrorCode::MalformedValType, fmt::format("byte 0x{:02x}", b));
  return ValType(b);
}

Expect<ValType> readRefType(BinaryReader& r) {
  uint8_t b = WARDEN_TRY(r.u8());
  if (b != uint8_t(ValType::FuncRef) && b != uint8_t(ValType::ExternRef)) {
    return r.error(ErrorCode::MalformedRefType, fmt::format("byte 0x{:02x}", b));
  }
  return ValType(b);
}

// A set high bit in the flag byte means someone wrote it as a longer LEB128,
// which the spec reports as "integer representation too long".
// Table limits: flag 0 (no maximum) or 1. Memory limits may also be 2 or 3,
// the same with the threads proposal's `shared` bit; a shared memory
// without a maximum is decoded and then refused by the validator.
Expect<Limits> readLimits(BinaryReader& r, bool shareable = false) {
  uint8_t flags = WARDEN_TRY(r.u8());
  if (flags & 0x80) return r.error(ErrorCode::IntegerTooLong, fmt::format("flag byte 0x{:02x}", flags));
  if (flags > (shareable ? 3 : 1)) return r.error(ErrorCode::MalformedLimits, fmt::format("flag byte 0x{:02x}", flags));
  Limits limits;
  limits.shared = (flags & 2) != 0;
  limits.min = WARDEN_TRY(r.u32());
  if (flags & 1) limits.max = WARDEN_TRY(r.u32());
  return limits;
}

Expect<TableType> readTableType(BinaryReader& r) {
  TableType t;
  t.elem = WARDEN_TRY(readRefType(r));
  t.limits = WARDEN_TRY(readLimits(r));
  return t;
}

Expect<GlobalType> readGlobalType(BinaryReader& r) {
  GlobalType t;
  t.type = WARDEN_TRY(readValType(r));
  uint8_t mut = WARDEN_TRY(r.u8());
  if (mut > 1) return r.error(ErrorCode::MalformedMutability, fmt::format("byte 0x{:02x}", mut));
  t.mutable_ = mut == 1;
  return t;
}

// ---------------------------------------------------------------------------
// Constant expressions.

// Opcodes of Wasm 2.0 (single-byte, plus the 0xFC/0xFD prefixes) and threads (0xFE), so that a
// non-constant instruction is told apart from an unknown byte.
bool isKnownOpcode(uint8_t op) {
  return op <= 0x05 || (op >= 0x0B && op <= 0x11) || (op >= 0x1A && op <= 0x1C) ||
         (op >= 0x20 && op <= 0x26) || (op >= 0x28 && op <= 0xC4) || (op >= 0xD0 && op <= 0xD2) ||
         op == 0xFC || op == 0xFD || op == 0xFE;
}

constexpr uint32_t kV128ConstSubop = 12;

// The one instruction of a constant expression, `op` already read.
Expect<ConstExpr> readConstInstruction(BinaryReader& r, uint8_t op) {
  ConstExpr e;
  switch (op) {
    case 0x41:
      e.kind = ConstExpr::Kind::I32Const;
      e.bits = uint32_t(WARDEN_TRY(r.s32()));
      return e;
    case 0x42:
      e.kind = ConstExpr::Kind::I64Const;
      e.bits = uint64_t(WARDEN_TRY(r.s64()));
      return e;
    case 0x43:
      e.kind = ConstExpr::Kind::F32Const;
      e.bits = WARDEN_TRY(r.fixedU32());
      return e;
    case 0x44:
      e.kind = ConstExpr::Kind::F64Const;
      e.bits = WARDEN_TRY(r.fixedU64());
      return e;
    case 0x23:
      e.kind = ConstExpr::Kind::GlobalGet;
      e.index = WARDEN_TRY(r.u32());
      return e;
    case 0xD0:
      e.kind = ConstExpr::Kind::RefNull;
      e.ref_type = WARDEN_TRY(readRefType(r));
      return e;
    case 0xD2:
      e.kind = ConstExpr::Kind::RefFunc;
      e.index = WARDEN_TRY(r.u32());
      return e;
    case 0xFD: {
      uint32_t subop = WARDEN_TRY(r.u32());
      if (subop != kV128ConstSubop) {
        return r.error(ErrorCode::ConstantExpressionRequired, fmt::format("opcode 0xfd 0x{:x}", subop));
      }
      e.kind = ConstExpr::Kind::V128Const;
      e.bits = WARDEN_TRY(r.fixedU64());
      e.bits_hi = WARDEN_TRY(r.fixedU64());
      return e;
    }
    default:
      break;
  }
  if (!isKnownOpcode(op)) return r.error(ErrorCode::IllegalOpcode, fmt::format("opcode 0x{:02x}", op));
  return r.error(ErrorCode::ConstantExpressionRequired, fmt::format("opcode 0x{:02x}", op));
}

// Exactly one constant instruction followed by `end`. A non-constant
// instruction anywhere is "constant expression required"; otherwise an empty
// expression or several constants leave the wrong number of values: "type
// mismatch". Constants are decoded until `end` so the two are told apart.
Expect<ConstExpr> readConstExpr(BinaryReader& r) {
  ConstExpr first;
  uint32_t count = 0;
  for (;;) {
    uint32_t at = r.offset();
    uint8_t op = WARDEN_TRY(r.u8());
    if (op == kOpEnd) break;
    ConstExpr e = WARDEN_TRY(readConstInstruction(r, op));
    e.offset = at;
    if (count++ == 0) first = e;
  }
  if (count != 1) {
    return r.error(ErrorCode::TypeMismatch, fmt::format("constant expression yields {} values", count));
  }
  return first;
}

ConstExpr refFuncItem(uint32_t func_index, uint32_t offset) {
  ConstExpr e;
  e.kind = ConstExpr::Kind::RefFunc;
  e.index = func_index;
  e.offset = offset;
  return e;
}

// ---------------------------------------------------------------------------

class ModuleDecoder {
 public:
  ModuleDecoder(Module& module, const DecodeLimits& limits) : m_(module), limits_(limits) {}

  Expect<void> decode() {
    BinaryReader r(m_.bytes);
    WARDEN_TRY(readHeader(r));
    int last_rank = 0;
    while (!r.atEnd()) WARDEN_TRY(readSection(r, last_rank));
    return checkSectionCounts();
  }

 private:
  Expect<void> readHeader(BinaryReader& r) {
    std::span<const uint8_t> magic = WARDEN_TRY(r.bytes(sizeof kMagic));
    if (!std::equal(magic.begin(), magic.end(), kMagic)) return fail(ErrorCode::MagicMismatch);
    uint32_t version = WARDEN_TRY(r.fixedU32());
    if (version != kVersion) return r.error(ErrorCode::VersionMismatch, fmt::format("version {}", version));
    return {};
  }

  Expect<void> readSection(BinaryReader& r, int& last_rank) {
    uint8_t id = WARDEN_TRY(r.u8());
    if (id > kMaxSectionId) return r.error(ErrorCode::MalformedSectionId, fmt::format("id {}", id));
    uint32_t size = WARDEN_TRY(r.u32());
    if (size > r.remaining()) {
      return r.error(ErrorCode::LengthOutOfBounds,
                     fmt::format("{} of {} bytes, {} bytes left", sectionName(id), size, r.remaining()));
    }
    if (id != kCustom) {
      int rank = sectionRank(id);
      if (rank <= last_rank) {
        return r.error(ErrorCode::UnexpectedContentAfterEnd,
                       fmt::format("{} repeated or out of order", sectionName(id)));
      }
      last_rank = rank;
    }
    uint32_t payload_offset = r.offset();
    std::span<const uint8_t> payload = WARDEN_TRY(r.bytes(size));
    m_.sections.push_back(SectionInfo{id, payload_offset, size});

    BinaryReader sr(payload, payload_offset);
    WARDEN_TRY(withContext(readSectionContents(id, sr), sectionName(id)));
    if (!sr.atEnd()) {
      return fail(ErrorCode::SectionSizeMismatch,
                  fmt::format("{}: {} bytes declared, contents end at byte 0x{:x}", sectionName(id), size,
                              sr.offset()));
    }
    return {};
  }

  Expect<void> readSectionContents(uint8_t id, BinaryReader& r) {
    switch (id) {
      case kCustom: return readCustomSection(r);
      case kType: return readTypeSection(r);
      case kImport: return readImportSection(r);
      case kFunction: return readFunctionSection(r);
      case kTable: return readTableSection(r);
      case kMemory: return readMemorySection(r);
      case kGlobal: return readGlobalSection(r);
      case kExport: return readExportSection(r);
      case kStart: return readStartSection(r);
      case kElement: return readElementSection(r);
      case kCode: return readCodeSection(r);
      case kData: return readDataSection(r);
      case kDataCount: return readDataCountSection(r);
      default: return r.error(ErrorCode::MalformedSectionId);
    }
  }

  Expect<void> readCustomSection(BinaryReader& r) {
    CustomSection custom;
    custom.name = WARDEN_TRY(readName(r));
    custom.offset = r.offset();
    custom.size = uint32_t(r.remaining());
    WARDEN_TRY(r.bytes(r.remaining()));
    m_.customs.push_back(std::move(custom));
    return {};
  }

  Expect<void> readTypeSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_types, "type"));
    m_.types.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      m_.types.push_back(WARDEN_TRY(withContext(readFuncType(r), "type {}", i)));
    }
    return {};
  }

  Expect<FuncType> readFuncType(BinaryReader& r) {
    uint8_t form = WARDEN_TRY(r.u8());
    // A set high bit means a multi-byte (signed LEB128) form, which the spec
    // reports as an over-long integer.
    if (form & 0x80) return r.error(ErrorCode::IntegerTooLong, fmt::format("form 0x{:02x}", form));
    if (form != kFuncTypeForm) return r.error(ErrorCode::MalformedFuncType, fmt::format("form 0x{:02x}", form));
    FuncType type;
    type.params = WARDEN_TRY(readValTypes(r, limits_.max_params, "parameter"));
    type.results = WARDEN_TRY(readValTypes(r, limits_.max_results, "result"));
    return type;
  }

  Expect<std::vector<ValType>> readValTypes(BinaryReader& r, uint32_t max, std::string_view what) {
    uint32_t count = WARDEN_TRY(readCount(r, max, what));
    std::vector<ValType> types;
    types.reserve(count);
    for (uint32_t i = 0; i < count; ++i) types.push_back(WARDEN_TRY(readValType(r)));
    return types;
  }

  Expect<void> readImportSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_imports, "import"));
    m_.imports.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      m_.imports.push_back(WARDEN_TRY(withContext(readImport(r), "import {}", i)));
    }
    return {};
  }

  Expect<Import> readImport(BinaryReader& r) {
    Import imp;
    imp.module = WARDEN_TRY(readName(r));
    imp.name = WARDEN_TRY(readName(r));
    uint8_t kind = WARDEN_TRY(r.u8());
    switch (kind) {
      case 0:
        imp.kind = ExternKind::Func;
        imp.func_type = WARDEN_TRY(r.u32());
        ++m_.num_imported_funcs;
        break;
      case 1:
        imp.kind = ExternKind::Table;
        imp.table = WARDEN_TRY(readTableType(r));
        ++m_.num_imported_tables;
        break;
      case 2:
        imp.kind = ExternKind::Memory;
        imp.memory.limits = WARDEN_TRY(readLimits(r, limits_.threads));
        ++m_.num_imported_memories;
        break;
      case 3:
        imp.kind = ExternKind::Global;
        imp.global = WARDEN_TRY(readGlobalType(r));
        ++m_.num_imported_globals;
        break;
      default:
        return r.error(ErrorCode::MalformedImportKind, fmt::format("kind 0x{:02x}", kind));
    }
    return imp;
  }

  Expect<void> readFunctionSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_functions, "function"));
    m_.functions.reserve(count);
    for (uint32_t i = 0; i < count; ++i) m_.functions.push_back(WARDEN_TRY(r.u32()));
    return {};
  }

  Expect<void> readTableSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_tables, "table"));
    m_.tables.reserve(count);
    for (uint32_t i = 0; i < count; ++i) m_.tables.push_back(WARDEN_TRY(readTableType(r)));
    return {};
  }

  Expect<void> readMemorySection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_tables, "memory"));
    m_.memories.reserve(count);
    for (uint32_t i = 0; i < count; ++i) m_.memories.push_back(MemoryType{WARDEN_TRY(readLimits(r, limits_.threads))});
    return {};
  }

  Expect<void> readGlobalSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_globals, "global"));
    m_.globals.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      m_.globals.push_back(WARDEN_TRY(withContext(readGlobal(r), "global {}", i)));
    }
    return {};
  }

  Expect<Global> readGlobal(BinaryReader& r) {
    Global g;
    g.type = WARDEN_TRY(readGlobalType(r));
    g.init = WARDEN_TRY(readConstExpr(r));
    return g;
  }

  Expect<void> readExportSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_exports, "export"));
    m_.exports.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      m_.exports.push_back(WARDEN_TRY(withContext(readExport(r), "export {}", i)));
    }
    return {};
  }

  Expect<Export> readExport(BinaryReader& r) {
    Export exp;
    exp.name = WARDEN_TRY(readName(r));
    uint8_t kind = WARDEN_TRY(r.u8());
    if (kind > uint8_t(ExternKind::Global)) {
      return r.error(ErrorCode::MalformedExportKind, fmt::format("kind 0x{:02x}", kind));
    }
    exp.kind = ExternKind(kind);
    exp.index = WARDEN_TRY(r.u32());
    return exp;
  }

  Expect<void> readStartSection(BinaryReader& r) {
    m_.start = WARDEN_TRY(r.u32());
    return {};
  }

  Expect<void> readElementSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_segments, "element segment"));
    m_.elems.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      m_.elems.push_back(WARDEN_TRY(withContext(readElemSegment(r), "segment {}", i)));
    }
    return {};
  }

  // The eight forms of Wasm 2.0: bit 0 = passive or declarative, bit 1 =
  // explicit table index (active) or declarative (otherwise), bit 2 = items
  // are expressions with a reference type instead of function indices.
  Expect<ElemSegment> readElemSegment(BinaryReader& r) {
    uint32_t flags = WARDEN_TRY(r.u32());
    if (flags > 7) return r.error(ErrorCode::MalformedSegmentFlags, fmt::format("flags {}", flags));
    const bool not_active = flags & 1;
    const bool bit1 = flags & 2;
    const bool uses_exprs = flags & 4;

    ElemSegment seg;
    if (not_active) {
      seg.mode = bit1 ? SegmentMode::Declarative : SegmentMode::Passive;
    } else {
      seg.mode = SegmentMode::Active;
      if (bit1) seg.table = WARDEN_TRY(r.u32());
      seg.offset = WARDEN_TRY(readConstExpr(r));
    }
    // Forms 0 and 4 imply funcref; the others name the kind or type.
    const bool has_type = not_active || bit1;
    if (uses_exprs) {
      if (has_type) seg.type = WARDEN_TRY(readRefType(r));
    } else if (has_type) {
      uint8_t kind = WARDEN_TRY(r.u8());
      if (kind != 0x00) return r.error(ErrorCode::MalformedElemKind, fmt::format("kind 0x{:02x}", kind));
    }
    seg.items = WARDEN_TRY(readElemItems(r, uses_exprs));
    return seg;
  }

  Expect<std::vector<ConstExpr>> readElemItems(BinaryReader& r, bool uses_exprs) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_segment_items, "element"));
    std::vector<ConstExpr> items;
    items.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      if (uses_exprs) {
        items.push_back(WARDEN_TRY(readConstExpr(r)));
      } else {
        uint32_t at = r.offset();
        items.push_back(refFuncItem(WARDEN_TRY(r.u32()), at));
      }
    }
    return items;
  }

  Expect<void> readDataCountSection(BinaryReader& r) {
    m_.data_count = WARDEN_TRY(r.u32());
    return {};
  }

  Expect<void> readCodeSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(r.u32());
    if (count != m_.functions.size()) {
      return r.error(ErrorCode::FuncCodeMismatch,
                     fmt::format("{} function declarations, {} bodies", m_.functions.size(), count));
    }
    if (count > r.remaining()) return r.error(ErrorCode::UnexpectedEnd, fmt::format("{} bodies declared", count));
    m_.bodies.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      m_.bodies.push_back(WARDEN_TRY(withContext(readBody(r, i), "function {}", m_.num_imported_funcs + i)));
    }
    return {};
  }

  Expect<FunctionBody> readBody(BinaryReader& r, uint32_t defined_index) {
    uint32_t size = WARDEN_TRY(r.u32());
    if (size > r.remaining()) {
      return r.error(ErrorCode::UnexpectedEnd, fmt::format("body of {} bytes, {} bytes left", size, r.remaining()));
    }
    uint32_t body_start = r.offset();
    BinaryReader br(WARDEN_TRY(r.bytes(size)), body_start);

    FunctionBody body;
    body.locals_offset = br.offset();
    body.num_locals = WARDEN_TRY(readLocals(br, defined_index));
    body.body_offset = br.offset();
    body.body_size = uint32_t(br.remaining());
    if (body.body_size == 0) return br.error(ErrorCode::UnexpectedEnd, "body has no instructions");
    if (m_.bytes[body.body_offset + body.body_size - 1] != kOpEnd) {
      return fail(ErrorCode::EndOpcodeExpected,
                  fmt::format("body ending at byte 0x{:x}", body.body_offset + body.body_size));
    }
    return body;
  }

  // Local declarations come as (count, type) groups; the total (parameters
  // included) is checked against the limit before anything is expanded.
  // Returns how many locals the groups declare (nothing is expanded here).
  Expect<uint32_t> readLocals(BinaryReader& r, uint32_t defined_index) {
    uint32_t groups = WARDEN_TRY(readCount(r, limits_.max_locals, "local group"));
    uint32_t type_index = m_.functions[defined_index];
    uint64_t params = type_index < m_.types.size() ? m_.types[type_index].params.size() : 0;
    uint64_t total = params;
    for (uint32_t g = 0; g < groups; ++g) {
      uint32_t n = WARDEN_TRY(r.u32());
      WARDEN_TRY(readValType(r));
      total += n;
      if (total > limits_.max_locals) {
        return r.error(ErrorCode::TooManyLocals,
                       fmt::format("more than {} locals (parameters included)", limits_.max_locals));
      }
    }
    return uint32_t(total - params);
  }

  Expect<void> readDataSection(BinaryReader& r) {
    uint32_t count = WARDEN_TRY(readCount(r, limits_.max_segments, "data segment"));
    if (m_.data_count && *m_.data_count != count) {
      return r.error(ErrorCode::DataCountMismatch,
                     fmt::format("data count {}, {} segments", *m_.data_count, count));
    }
    m_.datas.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      m_.datas.push_back(WARDEN_TRY(withContext(readDataSegment(r), "segment {}", i)));
    }
    saw_data_section_ = true;
    return {};
  }

  Expect<DataSegment> readDataSegment(BinaryReader& r) {
    uint32_t flags = WARDEN_TRY(r.u32());
    if (flags > 2) return r.error(ErrorCode::MalformedSegmentFlags, fmt::format("flags {}", flags));
    DataSegment seg;
    if (flags == 1) {
      seg.mode = SegmentMode::Passive;
    } else {
      seg.mode = SegmentMode::Active;
      if (flags == 2) seg.memory = WARDEN_TRY(r.u32());
      seg.offset = WARDEN_TRY(readConstExpr(r));
    }
    uint32_t size = WARDEN_TRY(r.u32());
    if (size > r.remaining()) {
      return r.error(ErrorCode::UnexpectedEnd, fmt::format("{} data bytes declared, {} left", size, r.remaining()));
    }
    seg.bytes_offset = r.offset();
    seg.bytes_size = size;
    WARDEN_TRY(r.bytes(size));
    return seg;
  }

  // Cross-section consistency that only the whole module can show.
  Expect<void> checkSectionCounts() {
    if (m_.bodies.size() != m_.functions.size()) {
      return fail(ErrorCode::FuncCodeMismatch,
                  fmt::format("{} function declarations, {} bodies", m_.functions.size(), m_.bodies.size()));
    }
    if (m_.data_count && !saw_data_section_ && *m_.data_count != 0) {
      return fail(ErrorCode::DataCountMismatch, fmt::format("data count {}, no data section", *m_.data_count));
    }
    return {};
  }

  Module& m_;
  const DecodeLimits& limits_;
  bool saw_data_section_ = false;
};

}  // namespace

Expect<void> appendDeclaredLocals(const Module& module, const FunctionBody& body, std::vector<ValType>& out) {
  BinaryReader r(std::span<const uint8_t>(module.bytes).subspan(body.locals_offset, body.body_offset - body.locals_offset),
                 body.locals_offset);
  uint32_t groups = WARDEN_TRY(r.u32());
  out.reserve(out.size() + body.num_locals);
  uint32_t left = body.num_locals;
  for (uint32_t g = 0; g < groups; ++g) {
    uint32_t n = WARDEN_TRY(r.u32());
    ValType type = WARDEN_TRY(readValType(r));
    if (n > left) return fail(ErrorCode::TooManyLocals, "local groups differ from the decoded count");
    left -= n;
    out.insert(out.end(), n, type);
  }
  if (left != 0) return fail(ErrorCode::TooManyLocals, "local groups differ from the decoded count");
  return {};
}

Expect<Module> decodeModule(std::vector<uint8_t>&& bytes, const DecodeLimits& limits) {
  if (bytes.size() > UINT32_MAX) return fail(ErrorCode::ImplementationLimit, "module larger than 4 GiB");
  return decodeModule(ModuleBytes(std::move(bytes)), limits);
}

Expect<Module> decodeModule(ModuleBytes bytes, const DecodeLimits& limits) {
  if (bytes.size() > UINT32_MAX) return fail(ErrorCode::ImplementationLimit, "module larger than 4 GiB");
  Module module;
  module.bytes = std::move(bytes);
  ModuleDecoder decoder(module, limits);
  WARDEN_TRY(decoder.decode());
  return module;
}

Expect<Module> decodeModule(std::span<const uint8_t> bytes, const DecodeLimits& limits) {
  if (bytes.size() > UINT32_MAX) return fail(ErrorCode::ImplementationLimit, "module larger than 4 GiB");
  return decodeModule(std::vector<uint8_t>(bytes.begin(), bytes.end()), limits);
}

}  // namespace warden
