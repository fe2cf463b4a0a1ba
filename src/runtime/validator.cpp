// Module-level validation (spec "Validation", Modules): every index, limit,
// constant expression and export of the module; then each function body is
// handed to the function compiler, which validates and lowers it.
#include "runtime/validator.h"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "runtime/function_compiler.h"
#include "runtime/interpreter.h"

namespace warden {

namespace {

constexpr uint64_t kMaxTableSize = 0xFFFF'FFFFull;

Error inContext(const Error& e, std::string_view where) {
  if (e.detail().empty()) return Error(e.code(), std::string(where));
  return Error(e.code(), fmt::format("{}, {}", where, e.detail()));
}

// The place is formatted only on failure: a module's thousands of items
// validate without building a string each.
template <typename T, typename... Args>
Expect<T> withContext(Expect<T> result, fmt::format_string<Args...> where, Args&&... args) {
  if (result) return result;
  return std::unexpected(inContext(result.error(), fmt::format(where, std::forward<Args>(args)...)));
}

std::string atByte(uint32_t offset) { return fmt::format("at byte 0x{:x}", offset); }

class ModuleValidator {
 public:
  explicit ModuleValidator(const Module& m) : m_(m) {}

  Expect<void> validate() {
    WARDEN_TRY(checkFunctionTypes());
    WARDEN_TRY(checkImports());
    WARDEN_TRY(checkTables());
    WARDEN_TRY(checkMemories());
    WARDEN_TRY(checkGlobals());
    WARDEN_TRY(checkElems());
    WARDEN_TRY(checkDatas());
    WARDEN_TRY(checkStart());
    WARDEN_TRY(checkExports());
    return {};
  }

 private:
  Expect<void> checkTypeIndex(uint32_t type_index) const {
    if (type_index >= m_.types.size()) {
      return fail(ErrorCode::UnknownType, fmt::format("type {} of {}", type_index, m_.types.size()));
    }
    return {};
  }

  Expect<void> checkFunctionTypes() const {
    for (size_t i = 0; i < m_.functions.size(); ++i) {
      WARDEN_TRY(withContext(checkTypeIndex(m_.functions[i]), "function {}", m_.num_imported_funcs + i));
    }
    return {};
  }

  Expect<void> checkImports() const {
    for (size_t i = 0; i < m_.imports.size(); ++i) {
      const Import& imp = m_.imports[i];
      constexpr const char* where = "import {} \"{}\" \"{}\"";
      switch (imp.kind) {
        case ExternKind::Func: WARDEN_TRY(withContext(checkTypeIndex(imp.func_type), where, i, imp.module, imp.name)); break;
        case ExternKind::Table: WARDEN_TRY(withContext(checkTableType(imp.table), where, i, imp.module, imp.name)); break;
        case ExternKind::Memory: WARDEN_TRY(withContext(checkMemoryType(imp.memory), where, i, imp.module, imp.name)); break;
        case ExternKind::Global: break;  // any value type decoded is valid
      }
    }
    return {};
  }

  static Expect<void> checkLimits(const Limits& limits, uint64_t bound, ErrorCode too_large) {
    if (limits.min > bound) return fail(too_large, fmt::format("minimum {}", limits.min));
    if (limits.max) {
      if (*limits.max > bound) return fail(too_large, fmt::format("maximum {}", *limits.max));
      if (limits.min > *limits.max) {
        return fail(ErrorCode::SizeMinimumGreaterThanMaximum,
                    fmt::format("minimum {} > maximum {}", limits.min, *limits.max));
      }
    }
    return {};
  }

  static Expect<void> checkTableType(const TableType& t) {
    return checkLimits(t.limits, kMaxTableSize, ErrorCode::TableSizeTooLarge);
  }

  static Expect<void> checkMemoryType(const MemoryType& t) {
    if (t.limits.shared && !t.limits.max) return fail(ErrorCode::SharedMemoryNeedsMax);
    return checkLimits(t.limits, kMaxPages, ErrorCode::MemorySizeTooLarge);
  }

  Expect<void> checkTables() const {
    for (size_t i = 0; i < m_.tables.size(); ++i) {
      WARDEN_TRY(withContext(checkTableType(m_.tables[i]), "table {}", m_.num_imported_tables + i));
    }
    return {};
  }

  Expect<void> checkMemories() const {
    for (size_t i = 0; i < m_.memories.size(); ++i) {
      WARDEN_TRY(withContext(checkMemoryType(m_.memories[i]), "memory {}", m_.num_imported_memories + i));
    }
    if (m_.numMemories() > 1) return fail(ErrorCode::MultipleMemories, fmt::format("{} memories", m_.numMemories()));
    return {};
  }

  // The type of a constant expression. In Wasm 2.0 `global.get` may only
  // read an immutable imported global.
  Expect<ValType> constExprType(const ConstExpr& e) const {
    switch (e.kind) {
      case ConstExpr::Kind::I32Const: return ValType::I32;
      case ConstExpr::Kind::I64Const: return ValType::I64;
      case ConstExpr::Kind::F32Const: return ValType::F32;
      case ConstExpr::Kind::F64Const: return ValType::F64;
      case ConstExpr::Kind::V128Const: return ValType::V128;
      case ConstExpr::Kind::RefNull: return e.ref_type;
      case ConstExpr::Kind::RefFunc:
        if (e.index >= m_.numFuncs()) {
          return fail(ErrorCode::UnknownFunction, fmt::format("ref.func {} {}", e.index, atByte(e.offset)));
        }
        return ValType::FuncRef;
      case ConstExpr::Kind::GlobalGet: {
        if (e.index >= m_.num_imported_globals) {
          return fail(ErrorCode::UnknownGlobal,
                      fmt::format("global.get {} (only the {} imported globals may be read) {}", e.index,
                                  m_.num_imported_globals, atByte(e.offset)));
        }
        GlobalType g = m_.globalType(e.index);
        if (g.mutable_) {
          return fail(ErrorCode::ConstantExpressionRequired,
                      fmt::format("global.get {} of a mutable global {}", e.index, atByte(e.offset)));
        }
        return g.type;
      }
    }
    return fail(ErrorCode::ConstantExpressionRequired, atByte(e.offset));
  }

  Expect<void> checkConstExpr(const ConstExpr& e, ValType expected) const {
    ValType actual = WARDEN_TRY(constExprType(e));
    if (actual != expected) {
      return fail(ErrorCode::TypeMismatch, fmt::format("constant expression of type {} where {} expected {}",
                                                       valTypeName(actual), valTypeName(expected),
                                                       atByte(e.offset)));
    }
    return {};
  }

  Expect<void> checkGlobals() const {
    for (size_t i = 0; i < m_.globals.size(); ++i) {
      const Global& g = m_.globals[i];
      WARDEN_TRY(withContext(checkConstExpr(g.init, g.type.type), "global {}", m_.num_imported_globals + i));
    }
    return {};
  }

  Expect<void> checkElem(const ElemSegment& seg) const {
    for (const ConstExpr& item : seg.items) WARDEN_TRY(checkConstExpr(item, seg.type));
    if (seg.mode != SegmentMode::Active) return {};
    if (seg.table >= m_.numTables()) {
      return fail(ErrorCode::UnknownTable, fmt::format("table {} of {}", seg.table, m_.numTables()));
    }
    WARDEN_TRY(checkConstExpr(seg.offset, ValType::I32));
    ValType table_elem = m_.tableType(seg.table).elem;
    if (table_elem != seg.type) {
      return fail(ErrorCode::TypeMismatch, fmt::format("segment of {} for a table of {}", valTypeName(seg.type),
                                                       valTypeName(table_elem)));
    }
    return {};
  }

  Expect<void> checkElems() const {
    for (size_t i = 0; i < m_.elems.size(); ++i) {
      WARDEN_TRY(withContext(checkElem(m_.elems[i]), "element segment {}", i));
    }
    return {};
  }

  Expect<void> checkData(const DataSegment& seg) const {
    if (seg.mode != SegmentMode::Active) return {};
    if (seg.memory >= m_.numMemories()) {
      return fail(ErrorCode::UnknownMemory, fmt::format("memory {} of {}", seg.memory, m_.numMemories()));
    }
    return checkConstExpr(seg.offset, ValType::I32);
  }

  Expect<void> checkDatas() const {
    if (m_.data_count && *m_.data_count != m_.datas.size()) {
      return fail(ErrorCode::DataCountMismatch,
                  fmt::format("data count {}, {} segments", *m_.data_count, m_.datas.size()));
    }
    for (size_t i = 0; i < m_.datas.size(); ++i) {
      WARDEN_TRY(withContext(checkData(m_.datas[i]), "data segment {}", i));
    }
    return {};
  }

  Expect<void> checkStart() const {
    if (!m_.start) return {};
    uint32_t f = *m_.start;
    if (f >= m_.numFuncs()) return fail(ErrorCode::UnknownFunction, fmt::format("start function {}", f));
    const FuncType& type = m_.funcType(f);
    if (!type.params.empty() || !type.results.empty()) {
      return fail(ErrorCode::StartFunctionType,
                  fmt::format("start function {} has type {}, expected () -> ()", f, funcTypeString(type)));
    }
    return {};
  }

  uint32_t indexSpaceSize(ExternKind kind) const {
    switch (kind) {
      case ExternKind::Func: return m_.numFuncs();
      case ExternKind::Table: return m_.numTables();
      case ExternKind::Memory: return m_.numMemories();
      case ExternKind::Global: return m_.numGlobals();
    }
    return 0;
  }

  static ErrorCode unknownIndexError(ExternKind kind) {
    switch (kind) {
      case ExternKind::Func: return ErrorCode::UnknownFunction;
      case ExternKind::Table: return ErrorCode::UnknownTable;
      case ExternKind::Memory: return ErrorCode::UnknownMemory;
      case ExternKind::Global: return ErrorCode::UnknownGlobal;
    }
    return ErrorCode::UnknownFunction;
  }

  Expect<void> checkExports() const {
    std::unordered_set<std::string_view> names;
    names.reserve(m_.exports.size());
    for (const Export& exp : m_.exports) {
      if (exp.index >= indexSpaceSize(exp.kind)) {
        return fail(unknownIndexError(exp.kind), fmt::format("export \"{}\" of {} {}", exp.name,
                                                            externKindName(exp.kind), exp.index));
      }
      if (!names.insert(exp.name).second) {
        return fail(ErrorCode::DuplicateExportName, fmt::format("export \"{}\"", exp.name));
      }
    }
    return {};
  }

  const Module& m_;
};

}  // namespace

std::vector<bool> declaredFunctionRefs(const Module& m) {
  std::vector<bool> refs(m.numFuncs(), false);
  auto mark = [&](const ConstExpr& e) {
    if (e.kind == ConstExpr::Kind::RefFunc && e.index < refs.size()) refs[e.index] = true;
  };
  for (const ElemSegment& seg : m.elems) {
    for (const ConstExpr& item : seg.items) mark(item);
  }
  for (const Global& g : m.globals) mark(g.init);
  for (const Export& exp : m.exports) {
    if (exp.kind == ExternKind::Func && exp.index < refs.size()) refs[exp.index] = true;
  }
  return refs;
}

Error inFunction(const Error& e, const Module& m, uint32_t defined_index) {
  if (e.detail().find("function") != std::string::npos) return e;
  return inContext(e, fmt::format("function {} (defined {})", m.num_imported_funcs + defined_index, defined_index));
}

namespace {

Expect<void> compileBodies(Module& m, const DecodeLimits& limits) {
  std::vector<bool> refs = declaredFunctionRefs(m);
  std::vector<CompiledFunction> code;
  code.reserve(m.functions.size());
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    Expect<CompiledFunction> fn = compileFunction(m, i, refs, limits);
    if (!fn) return std::unexpected(inFunction(fn.error(), m, i));
    fn->defined_index = i;
    threadForInterpreter(*fn);
    code.push_back(std::move(*fn));
  }
  m.code = std::move(code);
  return {};
}

}  // namespace

Expect<void> validateAndCompile(Module& module, const DecodeLimits& limits) {
  WARDEN_TRY(ModuleValidator(module).validate());
  return compileBodies(module, limits);
}

Expect<void> validateStructure(Module& module) { return ModuleValidator(module).validate(); }

}  // namespace warden
