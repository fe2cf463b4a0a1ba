// `warden inspect`: a readable summary of a module's structure.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.h"
#include "support/host_io.h"
#include "runtime/api.h"
#include "runtime/internal_code.h"
#include "runtime/interpreter.h"

namespace warden::cli {

namespace {

std::string_view sectionName(uint8_t id) {
  static constexpr std::string_view kNames[] = {"custom", "type",   "import", "function", "table", "memory", "global",
                                                "export", "start",  "element", "code",    "data",  "datacount"};
  return id < std::size(kNames) ? kNames[id] : "unknown";
}

std::string limitsString(const Limits& limits) {
  std::string range = limits.max ? fmt::format("{}..{}", limits.min, *limits.max) : fmt::format("{}..(no max)", limits.min);
  return limits.shared ? "shared " + range : range;
}

std::string globalTypeString(const GlobalType& type) {
  return fmt::format("{}{}", type.mutable_ ? "mut " : "", valTypeName(type.type));
}

std::string importTypeString(const Module& m, const Import& imp) {
  switch (imp.kind) {
    case ExternKind::Func:
      return imp.func_type < m.types.size() ? funcTypeString(m.types[imp.func_type]) : fmt::format("type {}", imp.func_type);
    case ExternKind::Table: return fmt::format("{} {}", valTypeName(imp.table.elem), limitsString(imp.table.limits));
    case ExternKind::Memory: return fmt::format("{} pages", limitsString(imp.memory.limits));
    case ExternKind::Global: return globalTypeString(imp.global);
  }
  return "?";
}

std::string constExprString(const ConstExpr& e) {
  float f32;
  double f64;
  uint32_t low = uint32_t(e.bits);
  std::memcpy(&f32, &low, sizeof f32);
  std::memcpy(&f64, &e.bits, sizeof f64);
  switch (e.kind) {
    case ConstExpr::Kind::I32Const: return fmt::format("i32.const {}", int32_t(low));
    case ConstExpr::Kind::I64Const: return fmt::format("i64.const {}", int64_t(e.bits));
    case ConstExpr::Kind::F32Const: return fmt::format("f32.const {}", f32);
    case ConstExpr::Kind::F64Const: return fmt::format("f64.const {}", f64);
    case ConstExpr::Kind::V128Const: return fmt::format("v128.const 0x{:016x}{:016x}", e.bits_hi, e.bits);
    case ConstExpr::Kind::RefNull: return fmt::format("ref.null {}", valTypeName(e.ref_type));
    case ConstExpr::Kind::RefFunc: return fmt::format("ref.func {}", e.index);
    case ConstExpr::Kind::GlobalGet: return fmt::format("global.get {}", e.index);
  }
  return "?";
}

void out(const std::string& text) { std::fputs(text.c_str(), stdout); }

void printSections(const Module& m) {
  out(fmt::format("Sections ({}):\n  {:>2}  {:<10}  {:>10}  {:>10}\n", m.sections.size(), "id", "name", "offset", "size"));
  for (const SectionInfo& s : m.sections)
    out(fmt::format("  {:>2}  {:<10}  {:>#10x}  {:>10}\n", s.id, sectionName(s.id), s.offset, s.size));
}

void printTypes(const Module& m) {
  out(fmt::format("Types ({}):\n", m.types.size()));
  for (size_t i = 0; i < m.types.size(); ++i) out(fmt::format("  [{}] {}\n", i, funcTypeString(m.types[i])));
}

void printImports(const Module& m) {
  out(fmt::format("Imports ({}):\n", m.imports.size()));
  size_t width = 0;
  for (const Import& imp : m.imports) width = std::max(width, imp.module.size() + imp.name.size() + 1);
  for (const Import& imp : m.imports)
    out(fmt::format("  {:<{}}  {:<6}  {}\n", imp.module + "." + imp.name, width, externKindName(imp.kind), importTypeString(m, imp)));
}

void printFunctions(const Module& m) {
  out(fmt::format("Functions: {} ({} imported, {} defined)\n", m.numFuncs(), m.num_imported_funcs, m.functions.size()));
}

const char* origin(uint32_t index, uint32_t imported) { return index < imported ? "  (imported)" : ""; }

void printTablesMemoriesGlobals(const Module& m) {
  out(fmt::format("Tables ({}):\n", m.numTables()));
  for (uint32_t i = 0; i < m.numTables(); ++i) {
    TableType t = m.tableType(i);
    out(fmt::format("  [{}] {} {}{}\n", i, valTypeName(t.elem), limitsString(t.limits), origin(i, m.num_imported_tables)));
  }
  out(fmt::format("Memories ({}):\n", m.numMemories()));
  for (uint32_t i = 0; i < m.numMemories(); ++i)
    out(fmt::format("  [{}] {} pages{}\n", i, limitsString(m.memoryType(i).limits), origin(i, m.num_imported_memories)));
  out(fmt::format("Globals ({}):\n", m.numGlobals()));
  for (uint32_t i = 0; i < m.numGlobals(); ++i) {
    std::string init = i < m.num_imported_globals ? "(imported)" : "= " + constExprString(m.globals[i - m.num_imported_globals].init);
    out(fmt::format("  [{}] {:<12} {}\n", i, globalTypeString(m.globalType(i)), init));
  }
}

void printExports(const Module& m) {
  out(fmt::format("Exports ({}):\n", m.exports.size()));
  size_t width = 4;
  for (const Export& e : m.exports) width = std::max(width, e.name.size() + 2);
  for (const Export& e : m.exports)
    out(fmt::format("  {:<{}}  {:<6}  {}\n", fmt::format("\"{}\"", e.name), width, externKindName(e.kind), e.index));
}

void printStartAndCustoms(const Module& m) {
  out(m.start ? fmt::format("Start: function {}\n", *m.start) : std::string("Start: none\n"));
  out(fmt::format("Custom sections ({}):\n", m.customs.size()));
  for (const CustomSection& c : m.customs)
    out(fmt::format("  {:<24}  offset {:#x}  size {}\n", fmt::format("\"{}\"", c.name), c.offset, c.size));
}

// The interpreter's code for defined functions (all when `function` is
// empty, else the one with that module index): what a peephole changed
// is read here, not guessed.
int printCode(const Module& m, std::optional<uint32_t> function) {
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    uint32_t index = m.num_imported_funcs + i;
    if (function && *function != index) continue;
    const CompiledFunction& fn = m.code[i];
    out(fmt::format("function {} {}: {} words, {} local slots, frame {} slots\n", index,
                    funcTypeString(m.types[fn.type_index]), fn.code.size(), fn.num_locals, fn.frame_size));
    out(disassemble(unthreadCode(fn, interpreterHandlers())));
  }
  if (function && (*function < m.num_imported_funcs || *function >= m.numFuncs())) {
    std::fputs(fmt::format("warden: error: no defined function {} (the module has {} functions, {} imported)\n",
                           *function, m.numFuncs(), m.num_imported_funcs).c_str(), stderr);
    return kExitError;
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

int inspectCommand(const std::string& file, const InspectOptions& options) {
  Expect<std::vector<uint8_t>> bytes = readFileBytes(file);
  if (!bytes) {
    std::fputs(fmt::format("warden: error: {}\n", bytes.error().detail()).c_str(), stderr);
    return kExitError;
  }
  Engine engine;
  Expect<std::shared_ptr<const Module>> module = compileModule(engine, *bytes);
  if (!module) {
    std::fputs(fmt::format("warden: {} error: {}\n", phaseName(module.error().phase()), module.error().message()).c_str(), stderr);
    return kExitError;
  }
  const Module& m = **module;
  if (options.code) return printCode(m, options.function);
  out(fmt::format("{}: {} bytes\n", file, bytes->size()));
  printSections(m);
  printTypes(m);
  printImports(m);
  printFunctions(m);
  printTablesMemoriesGlobals(m);
  printExports(m);
  printStartAndCustoms(m);
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace warden::cli
