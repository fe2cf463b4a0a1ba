// Engine, Store, Linker and instantiation: the embedding API of api.h.
#include "runtime/api.h"

#include "runtime/lazy_bodies.h"

#include <cstring>
#include <tuple>

#include <fmt/format.h>

#include "runtime/atomic_wait.h"
#include "runtime/decoder.h"
#include "runtime/interpreter.h"
#include "runtime/validator.h"

namespace warden {

std::pair<uint32_t, const FuncType*> Engine::internTypeEntry(const FuncType& type) {
  std::lock_guard lock(types_mutex_);
  // Looked up first: most calls find the type, and then nothing is copied.
  auto it = type_ids_.find(type);
  if (it == type_ids_.end()) it = type_ids_.emplace(type, uint32_t(type_ids_.size())).first;
  return {it->second, &it->first};  // a map's keys do not move
}

Expect<std::shared_ptr<const Module>> compileModule(Engine& engine, std::vector<uint8_t>&& bytes) {
  return compileModule(engine, ModuleBytes(std::move(bytes)));
}

static DecodeLimits decodeLimitsFor(const Engine& engine) {
  DecodeLimits limits;
  limits.threads = engine.config().threads;
  return limits;
}

Expect<std::shared_ptr<const Module>> compileModule(Engine& engine, ModuleBytes bytes) {
  DecodeLimits limits = decodeLimitsFor(engine);
  Module module = WARDEN_TRY(decodeModule(std::move(bytes), limits));
  WARDEN_TRY(validateAndCompile(module, limits));
  return std::make_shared<const Module>(std::move(module));
}

Expect<std::shared_ptr<const Module>> compileModule(Engine& engine, std::span<const uint8_t> bytes) {
  return compileModule(engine, std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

Expect<std::shared_ptr<const Module>> compileModuleLazily(Engine& engine, std::span<const uint8_t> bytes) {
  return compileModuleLazily(engine, std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

Expect<std::shared_ptr<const Module>> compileModuleLazily(Engine& engine, std::vector<uint8_t>&& bytes) {
  return compileModuleLazily(engine, ModuleBytes(std::move(bytes)));
}

Expect<std::shared_ptr<const Module>> compileModuleLazily(Engine& engine, ModuleBytes bytes) {
  DecodeLimits limits = decodeLimitsFor(engine);
  Module module = WARDEN_TRY(decodeModule(std::move(bytes), limits));
  WARDEN_TRY(validateStructure(module));
  module.lazy = std::make_shared<LazyBodies>(module, limits);
  return std::make_shared<const Module>(std::move(module));
}

Expect<void> validateModule(std::span<const uint8_t> bytes) {
  Module module = WARDEN_TRY(decodeModule(bytes));
  return validateAndCompile(module);
}

// ---------------------------------------------------------------- Store

Store::Store(Engine& engine)
    : engine_(engine), exec_(engine.config().value_stack_slots, engine.config().max_call_depth) {}

Store::~Store() = default;

void Store::interrupt() {
  exec_.interrupt_requested.store(true);
  wakeParkedThread(exec_);
  if (interrupt_hook_) interrupt_hook_();
}

FunctionInstance* Store::createHostFunction(FuncType type, HostFunction fn) {
  auto f = std::make_unique<FunctionInstance>();
  std::tie(f->type_id, f->type) = engine_.internTypeEntry(type);
  f->host = std::move(fn);
  return adoptFunction(std::move(f));
}

Expect<MemoryInstance*> Store::createMappedMemory(MemoryType type, const MemoryImageSource& source, uint64_t bytes) {
  auto mem = WARDEN_TRY(MemoryInstance::createMapped(type, memory_limit_pages_, source.fd, source.offset, bytes));
  memories_.push_back(std::move(mem));
  return memories_.back().get();
}

Expect<MemoryInstance*> Store::createMemory(MemoryType type) {
  auto mem = WARDEN_TRY(MemoryInstance::create(type, memory_limit_pages_));
  memories_.push_back(std::move(mem));
  return memories_.back().get();
}

Expect<TableInstance*> Store::createTable(TableType type, Ref init) {
  auto table = std::make_unique<TableInstance>();
  if (type.limits.min > table->limit) {
    return fail(ErrorCode::HostError, fmt::format("table of {} elements exceeds the limit", type.limits.min));
  }
  table->type = type;
  table->elems.assign(type.limits.min, init);
  tables_.push_back(std::move(table));
  return tables_.back().get();
}

GlobalInstance* Store::createGlobal(GlobalType type, Value value, Value value_hi) {
  auto g = std::make_unique<GlobalInstance>();
  g->type = type;
  g->value = value;
  g->value_hi = value_hi;
  return adoptGlobal(std::move(g));
}

void Store::setFuel(std::optional<uint64_t> fuel) {
  exec_.fuel_enabled = fuel.has_value();
  exec_.fuel_source->store(fuel.value_or(0));
  exec_.ticks = 0;  // the next check takes its ticks from the new fuel
}

std::optional<uint64_t> Store::fuelRemaining() const {
  if (!exec_.fuel_enabled) return std::nullopt;
  return exec_.fuel_source->load() + uint64_t(std::max<int64_t>(exec_.ticks, 0));
}

void Store::shareFuelOf(Store& owner) {
  exec_.fuel_enabled = owner.exec_.fuel_enabled;
  exec_.fuel_source = owner.exec_.fuel_source;
  exec_.ticks = 0;
}

Instance* Store::adoptInstance(std::unique_ptr<Instance> instance) {
  instances_.push_back(std::move(instance));
  return instances_.back().get();
}

FunctionInstance* Store::adoptFunction(std::unique_ptr<FunctionInstance> func) {
  funcs_.push_back(std::move(func));
  return funcs_.back().get();
}

GlobalInstance* Store::adoptGlobal(std::unique_ptr<GlobalInstance> global) {
  globals_.push_back(std::move(global));
  return globals_.back().get();
}

// ---------------------------------------------------------------- Linker

void Linker::define(std::string module, std::string name, Extern value) {
  defs_[{std::move(module), std::move(name)}] = value;
}

void Linker::defineInstance(const std::string& module, const Instance& instance) {
  for (const Export& e : instance.module->exports) {
    if (auto ext = getExport(instance, e.name)) define(module, e.name, *ext);
  }
}

std::optional<Extern> Linker::lookup(std::string_view module, std::string_view name) const {
  auto it = defs_.find(std::make_pair(std::string(module), std::string(name)));
  if (it == defs_.end()) return std::nullopt;
  return it->second;
}

std::optional<Extern> getExport(const Instance& instance, std::string_view name) {
  for (const Export& e : instance.module->exports) {
    if (e.name != name) continue;
    switch (e.kind) {
      case ExternKind::Func: return Extern::of(instance.funcs[e.index]);
      case ExternKind::Table: return Extern::of(instance.tables[e.index]);
      case ExternKind::Memory: return Extern::of(instance.memories[e.index]);
      case ExternKind::Global: return Extern::of(instance.globals[e.index]);
    }
  }
  return std::nullopt;
}

namespace {

// Import matching (spec "Import Subtyping"): limits compare against the
// *current* size of the provided table or memory.
bool limitsMatch(uint64_t actual_min, std::optional<uint64_t> actual_max, const Limits& wanted) {
  if (actual_min < wanted.min) return false;
  if (!wanted.max) return true;
  return actual_max && *actual_max <= *wanted.max;
}

Expect<void> checkImport(Engine& engine, const Module& module, const Import& imp, const Extern& ext) {
  auto mismatch = [&](std::string_view why) {
    return fail(ErrorCode::IncompatibleImportType, fmt::format("{}.{}: {}", imp.module, imp.name, why));
  };
  if (ext.kind != imp.kind) {
    return mismatch(fmt::format("expected a {}, got a {}", externKindName(imp.kind), externKindName(ext.kind)));
  }
  switch (imp.kind) {
    case ExternKind::Func: {
      const FuncType& wanted = module.types[imp.func_type];
      if (engine.internType(wanted) != ext.func->type_id) {
        return mismatch(fmt::format("expected {}, got {}", funcTypeString(wanted), funcTypeString(*ext.func->type)));
      }
      return {};
    }
    case ExternKind::Table: {
      const TableInstance& t = *ext.table;
      if (t.type.elem != imp.table.elem) return mismatch("element type differs");
      if (!limitsMatch(t.elems.size(), t.type.limits.max, imp.table.limits)) return mismatch("table limits differ");
      return {};
    }
    case ExternKind::Memory: {
      const MemoryInstance& m = *ext.memory;
      if (m.type.limits.shared != imp.memory.limits.shared)
        return mismatch(imp.memory.limits.shared ? "expected a shared memory" : "expected an unshared memory");
      if (!limitsMatch(m.pages(), m.type.limits.max, imp.memory.limits)) return mismatch("memory limits differ");
      return {};
    }
    case ExternKind::Global: {
      const GlobalInstance& g = *ext.global;
      if (g.type.type != imp.global.type || g.type.mutable_ != imp.global.mutable_) {
        return mismatch("global type differs");
      }
      return {};
    }
  }
  return {};
}

// The high 64 bits of a constant expression's value (v128 only).
Value evalConstHigh(const ConstExpr& e, const Instance& inst) {
  if (e.kind == ConstExpr::Kind::V128Const) return Value::fromI64(e.bits_hi);
  if (e.kind == ConstExpr::Kind::GlobalGet) return inst.globals[e.index]->value_hi;
  return Value::zero();
}

// Evaluates a constant expression validated by the validator (the low 64
// bits of a v128; evalConstHigh gives the rest).
Value evalConst(const ConstExpr& e, const Instance& inst) {
  switch (e.kind) {
    case ConstExpr::Kind::I32Const: return Value::fromI32(uint32_t(e.bits));
    case ConstExpr::Kind::F32Const: return Value::fromI32(uint32_t(e.bits));
    case ConstExpr::Kind::I64Const:
    case ConstExpr::Kind::F64Const: return Value::fromI64(e.bits);
    case ConstExpr::Kind::V128Const: return Value::fromI64(e.bits);
    case ConstExpr::Kind::RefNull: return Value::fromRef(kNullRef);
    case ConstExpr::Kind::RefFunc: return Value::fromRef(reinterpret_cast<Ref>(inst.funcs[e.index]));
    case ConstExpr::Kind::GlobalGet: return inst.globals[e.index]->value;
  }
  return Value::zero();
}

}  // namespace

Expect<std::unique_ptr<Instance>> Linker::link(Store& store, const std::shared_ptr<const Module>& module_ptr) const {
  const Module& module = *module_ptr;
  Engine& engine = store.engine();

  // 1. Resolve every import before allocating anything.
  std::vector<Extern> resolved;
  resolved.reserve(module.imports.size());
  for (const Import& imp : module.imports) {
    auto ext = lookup(imp.module, imp.name);
    if (!ext) return fail(ErrorCode::UnknownImport, fmt::format("{}.{} ({})", imp.module, imp.name, externKindName(imp.kind)));
    WARDEN_TRY(checkImport(engine, module, imp, *ext));
    resolved.push_back(*ext);
  }

  auto owned = std::make_unique<Instance>();
  Instance& inst = *owned;
  inst.module = module_ptr;
  inst.type_ids.reserve(module.types.size());
  std::vector<const FuncType*> canonical_types;
  canonical_types.reserve(module.types.size());
  for (const FuncType& t : module.types) {
    auto [id, canonical] = engine.internTypeEntry(t);
    inst.type_ids.push_back(id);
    canonical_types.push_back(canonical);
  }

  for (const Extern& ext : resolved) {
    switch (ext.kind) {
      case ExternKind::Func: inst.funcs.push_back(ext.func); break;
      case ExternKind::Table: inst.tables.push_back(ext.table); break;
      case ExternKind::Memory: inst.memories.push_back(ext.memory); break;
      case ExternKind::Global: inst.globals.push_back(ext.global); break;
    }
  }

  // 2. Allocate what the module defines.
  inst.defined_funcs.reset(new FunctionInstance[module.functions.size()]);
  inst.funcs.reserve(inst.funcs.size() + module.functions.size());
  for (size_t i = 0; i < module.functions.size(); ++i) {
    FunctionInstance& f = inst.defined_funcs[i];
    uint32_t type_index = module.functions[i];
    f.type = canonical_types[type_index];
    f.type_id = inst.type_ids[type_index];
    f.instance = &inst;
    f.code = module.initialCode(i);
    inst.funcs.push_back(&f);
  }
  return owned;
}

Expect<Instance*> Linker::instantiate(Store& store, std::shared_ptr<const Module> module_ptr) const {
  const Module& module = *module_ptr;
  std::unique_ptr<Instance> owned = WARDEN_TRY(link(store, module_ptr));
  Instance& inst = *owned;
  for (const TableType& t : module.tables) inst.tables.push_back(WARDEN_TRY(store.createTable(t)));
  for (const MemoryType& m : module.memories) inst.memories.push_back(WARDEN_TRY(store.createMemory(m)));
  for (const Global& g : module.globals) {
    // Initialisers may read imported globals only, which are already in place.
    inst.globals.push_back(store.createGlobal(g.type, evalConst(g.init, inst), evalConstHigh(g.init, inst)));
  }

  Instance* instance = store.adoptInstance(std::move(owned));

  // 3. Segments, in order: element segments, then data segments (spec 2.0).
  inst.elems.resize(module.elems.size());
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& seg = module.elems[i];
    ElemInstance& ei = inst.elems[i];
    ei.type = seg.type;
    ei.refs.reserve(seg.items.size());
    for (const ConstExpr& item : seg.items) ei.refs.push_back(evalConst(item, inst).ref);
  }
  inst.datas.resize(module.datas.size());
  for (size_t i = 0; i < module.datas.size(); ++i) {
    const DataSegment& seg = module.datas[i];
    inst.datas[i].bytes = std::span<const uint8_t>(module.bytes.data() + seg.bytes_offset, seg.bytes_size);
  }

  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& seg = module.elems[i];
    ElemInstance& ei = inst.elems[i];
    if (seg.mode == SegmentMode::Active) {
      TableInstance& table = *inst.tables[seg.table];
      uint64_t offset = evalConst(seg.offset, inst).i32;
      if (offset > table.elems.size() || ei.refs.size() > table.elems.size() - offset) {
        return fail(ErrorCode::TableOutOfBounds, fmt::format("element segment {} does not fit its table", i));
      }
      std::copy(ei.refs.begin(), ei.refs.end(), table.elems.begin() + offset);
    }
    if (seg.mode != SegmentMode::Passive) ei.refs.clear();  // active and declarative segments are dropped
  }
  for (size_t i = 0; i < module.datas.size(); ++i) {
    const DataSegment& seg = module.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    MemoryInstance& mem = *inst.memories[seg.memory];
    uint64_t offset = evalConst(seg.offset, inst).i32;
    if (!mem.inBounds(offset, seg.bytes_size)) {
      return fail(ErrorCode::MemoryOutOfBounds, fmt::format("data segment {} does not fit memory", i));
    }
    if (seg.bytes_size) std::memcpy(mem.base + offset, inst.datas[i].bytes.data(), seg.bytes_size);
    inst.datas[i].bytes = {};
  }

  // 4. The start function.
  if (module.start) {
    FunctionInstance& start = *inst.funcs[*module.start];
    WARDEN_TRY(invokeFunction(store, store.exec(), start, {}, {}));
  }
  return instance;
}

Expect<Instance*> Linker::instantiateImage(Store& store, std::shared_ptr<const Module> module_ptr, const InstanceImage& image,
                                           std::span<const MemoryImageSource> memories) const {
  const Module& module = *module_ptr;
  if (image.globals.size() != module.globals.size() || image.tables.size() != module.tables.size() ||
      image.memory_bytes.size() != module.memories.size() || memories.size() != module.memories.size() ||
      image.elem_dropped.size() != module.elems.size() || image.data_dropped.size() != module.datas.size())
    return fail(ErrorCode::HostError, "the instance image does not match the module");
  std::unique_ptr<Instance> owned = WARDEN_TRY(link(store, module_ptr));
  Instance& inst = *owned;
  auto refOf = [&](InstanceImage::FuncIndex index) -> Expect<Ref> {
    if (index < 0) return kNullRef;
    if (uint64_t(index) >= inst.funcs.size()) return fail(ErrorCode::HostError, "the instance image names a missing function");
    return reinterpret_cast<Ref>(inst.funcs[index]);
  };

  for (size_t i = 0; i < module.tables.size(); ++i) {
    TableType type = module.tables[i];
    TableInstance* table = WARDEN_TRY(store.createTable(type));
    const std::vector<InstanceImage::FuncIndex>& elems = image.tables[i];
    table->elems.resize(elems.size());
    for (size_t e = 0; e < elems.size(); ++e) table->elems[e] = WARDEN_TRY(refOf(elems[e]));
    inst.tables.push_back(table);
  }
  for (size_t i = 0; i < module.memories.size(); ++i)
    inst.memories.push_back(WARDEN_TRY(store.createMappedMemory(module.memories[i], memories[i], image.memory_bytes[i])));
  for (size_t i = 0; i < module.globals.size(); ++i) {
    const InstanceImage::Global& saved = image.globals[i];
    Value value = module.globals[i].type.type == ValType::FuncRef ? Value::fromRef(WARDEN_TRY(refOf(saved.func))) : saved.value;
    inst.globals.push_back(store.createGlobal(module.globals[i].type, value, saved.value_hi));
  }
  Instance* instance = store.adoptInstance(std::move(owned));

  // Segments: only the passive ones not yet dropped still hold anything.
  inst.elems.resize(module.elems.size());
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& seg = module.elems[i];
    inst.elems[i].type = seg.type;
    if (seg.mode != SegmentMode::Passive || image.elem_dropped[i]) continue;
    for (const ConstExpr& item : seg.items) inst.elems[i].refs.push_back(evalConst(item, inst).ref);
  }
  inst.datas.resize(module.datas.size());
  for (size_t i = 0; i < module.datas.size(); ++i) {
    const DataSegment& seg = module.datas[i];
    if (seg.mode != SegmentMode::Passive || image.data_dropped[i]) continue;
    inst.datas[i].bytes = std::span<const uint8_t>(module.bytes.data() + seg.bytes_offset, seg.bytes_size);
  }
  return instance;
}

Expect<std::vector<Value>> invoke(Store& store, FunctionInstance& func, std::span<const Value> args) {
  // Arguments and results are in slot layout: a v128 takes two Values.
  uint32_t param_slots = slotCount(func.type->params);
  if (args.size() != param_slots) {
    return fail(ErrorCode::InvalidArgument,
                fmt::format("expected {} argument slots for {}, got {}", param_slots, funcTypeString(*func.type), args.size()));
  }
  std::vector<Value> results(slotCount(func.type->results), Value::zero());
  WARDEN_TRY(invokeFunction(store, store.exec(), func, args, results));
  return results;
}

}  // namespace warden
