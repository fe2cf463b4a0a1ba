#include "cli/spectest_host.h"

#include <string>
#include <vector>

namespace warden::cli {

namespace {

void defineSilentPrint(Store& store, Linker& linker, std::string name, std::vector<ValType> params) {
  HostFunction ignore = [](HostCall&, std::span<const Value>, std::span<Value>) -> Expect<void> { return {}; };
  FunctionInstance* fn = store.createHostFunction(FuncType{std::move(params), {}}, std::move(ignore));
  linker.define("spectest", std::move(name), Extern::of(fn));
}

void defineGlobal(Store& store, Linker& linker, std::string name, ValType type, Value value) {
  GlobalInstance* global = store.createGlobal(GlobalType{type, false}, value);
  linker.define("spectest", std::move(name), Extern::of(global));
}

}  // namespace

Expect<void> defineSpectest(Store& store, Linker& linker) {
  using enum ValType;
  defineSilentPrint(store, linker, "print", {});
  defineSilentPrint(store, linker, "print_i32", {I32});
  defineSilentPrint(store, linker, "print_i64", {I64});
  defineSilentPrint(store, linker, "print_f32", {F32});
  defineSilentPrint(store, linker, "print_f64", {F64});
  defineSilentPrint(store, linker, "print_i32_f32", {I32, F32});
  defineSilentPrint(store, linker, "print_f64_f64", {F64, F64});

  defineGlobal(store, linker, "global_i32", I32, Value::fromI32(666));
  defineGlobal(store, linker, "global_i64", I64, Value::fromI64(666));
  defineGlobal(store, linker, "global_f32", F32, Value::fromF32(666.6f));
  defineGlobal(store, linker, "global_f64", F64, Value::fromF64(666.6));

  TableInstance* table = WARDEN_TRY(store.createTable(TableType{FuncRef, Limits{10, 20}}));
  linker.define("spectest", "table", Extern::of(table));
  MemoryInstance* memory = WARDEN_TRY(store.createMemory(MemoryType{Limits{1, 2}}));
  linker.define("spectest", "memory", Extern::of(memory));
  Limits shared_limits{1, 2};
  shared_limits.shared = true;
  MemoryInstance* shared_memory = WARDEN_TRY(store.createMemory(MemoryType{shared_limits}));
  linker.define("spectest", "shared_memory", Extern::of(shared_memory));
  return {};
}

}  // namespace warden::cli
