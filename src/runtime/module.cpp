#include "runtime/module.h"

#include "runtime/lazy_bodies.h"

namespace warden {

namespace {
// The n-th import of `kind`.
const Import& nthImport(const Module& m, ExternKind kind, uint32_t n) {
  for (const Import& imp : m.imports) {
    if (imp.kind != kind) continue;
    if (n == 0) return imp;
    --n;
  }
  return m.imports.front();  // unreachable for validated indices
}
}  // namespace

const CompiledFunction* Module::initialCode(uint32_t i) const { return lazy ? lazy->initial(i) : &code[i]; }

uint32_t Module::funcTypeIndex(uint32_t i) const {
  if (i < num_imported_funcs) return nthImport(*this, ExternKind::Func, i).func_type;
  return functions[i - num_imported_funcs];
}

TableType Module::tableType(uint32_t i) const {
  if (i < num_imported_tables) return nthImport(*this, ExternKind::Table, i).table;
  return tables[i - num_imported_tables];
}

MemoryType Module::memoryType(uint32_t i) const {
  if (i < num_imported_memories) return nthImport(*this, ExternKind::Memory, i).memory;
  return memories[i - num_imported_memories];
}

GlobalType Module::globalType(uint32_t i) const {
  if (i < num_imported_globals) return nthImport(*this, ExternKind::Global, i).global;
  return globals[i - num_imported_globals].type;
}

}  // namespace warden
