// A decoded WebAssembly module: the sections' contents, typed and bounded.
// Produced by the decoder (decoder.h), checked by the validator
// (validator.h), which also fills `code` with the interpreter's internal code.
// Immutable once validated, and shared read-only by every instance.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/internal_code.h"
#include "runtime/module_bytes.h"
#include "runtime/types.h"

namespace warden {

class LazyBodies;

// A constant expression, as allowed in globals and segments by Wasm 2.0:
// exactly one of these instructions followed by `end`.
struct ConstExpr {
  enum class Kind : uint8_t { I32Const, I64Const, F32Const, F64Const, V128Const, RefNull, RefFunc, GlobalGet };
  Kind kind = Kind::I32Const;
  uint64_t bits = 0;        // the constant's bit pattern (f32/i32 in the low half)
  uint64_t bits_hi = 0;     // upper half of a v128 constant
  uint32_t index = 0;       // function index (RefFunc) or global index (GlobalGet)
  ValType ref_type = ValType::FuncRef;  // for RefNull
  uint32_t offset = 0;      // byte offset in the module, for error messages
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  // kind == Func: index into Module::types
  TableType table;         // kind == Table
  MemoryType memory;       // kind == Memory
  GlobalType global;       // kind == Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;  // in the kind's index space (imports first)
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table = 0;  // active only
  ConstExpr offset;    // active only
  ValType type = ValType::FuncRef;
  std::vector<ConstExpr> items;  // each a RefFunc, RefNull or GlobalGet
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;  // never Declarative
  uint32_t memory = 0;                     // active only
  ConstExpr offset;                        // active only
  uint32_t bytes_offset = 0;               // where the bytes start in Module::bytes
  uint32_t bytes_size = 0;
};

// A function body as the code section gives it; decoded and validated later.
struct FunctionBody {
  // The declared locals' (count, type) groups, as an offset in Module::bytes:
  // checked by the decoder, expanded by the compiler (declaredLocals in
  // decoder.h). Expanding them for all of CPython's ~10,000 bodies at every
  // decode was a fifth of a snapshot start's instructions.
  uint32_t locals_offset = 0;
  uint32_t num_locals = 0;      // declared locals (params not included)
  uint32_t body_offset = 0;     // first instruction, as an offset in Module::bytes
  uint32_t body_size = 0;       // up to and including the final `end`
};

struct CustomSection {
  std::string name;
  uint32_t offset = 0;  // payload offset in Module::bytes
  uint32_t size = 0;
};

struct SectionInfo {
  uint8_t id = 0;
  uint32_t offset = 0;  // payload offset
  uint32_t size = 0;
};

struct Module {
  ModuleBytes bytes;  // the binary, shared; bodies and data point into it

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<uint32_t> functions;  // type index of each *defined* function
  std::vector<TableType> tables;    // defined tables
  std::vector<MemoryType> memories; // defined memories
  std::vector<Global> globals;      // defined globals
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::optional<uint32_t> data_count;
  std::vector<FunctionBody> bodies;  // one per defined function
  std::vector<DataSegment> datas;
  std::vector<CustomSection> customs;
  std::vector<SectionInfo> sections;  // every section in order, for `inspect`

  // Counts of imported entities, so index spaces can be split quickly.
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  // Filled by validation: one compiled body per defined function.
  std::vector<CompiledFunction> code;
  // Instead of `code` for a module compiled lazily (compileModuleLazily).
  std::shared_ptr<LazyBodies> lazy;
  // The code a new instance of defined function `i` starts with.
  const CompiledFunction* initialCode(uint32_t i) const;

  // Index-space helpers (imports first, then definitions).
  uint32_t numFuncs() const { return num_imported_funcs + uint32_t(functions.size()); }
  uint32_t numTables() const { return num_imported_tables + uint32_t(tables.size()); }
  uint32_t numMemories() const { return num_imported_memories + uint32_t(memories.size()); }
  uint32_t numGlobals() const { return num_imported_globals + uint32_t(globals.size()); }
  // Type index of function `func_index` in the function index space.
  uint32_t funcTypeIndex(uint32_t func_index) const;
  const FuncType& funcType(uint32_t func_index) const { return types[funcTypeIndex(func_index)]; }
  TableType tableType(uint32_t table_index) const;
  MemoryType memoryType(uint32_t memory_index) const;
  GlobalType globalType(uint32_t global_index) const;
};

}  // namespace warden
