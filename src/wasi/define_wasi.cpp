// defineWasi: registers every wasi_snapshot_preview1 function in a Linker.
#include <array>

#include "wasi/wasi_host.h"

namespace warden::wasi {

namespace {

FuncType typeOf(const WasiFunction& f) {
  FuncType type;
  for (const char* p = f.params; *p; ++p) type.params.push_back(*p == 'I' ? ValType::I64 : ValType::I32);
  if (f.returns_errno) type.results.push_back(ValType::I32);
  return type;
}

bool imports(const Module& module, std::string_view name) {
  for (const Import& imp : module.imports)
    if (imp.kind == ExternKind::Func && imp.module == "wasi_snapshot_preview1" && imp.name == name) return true;
  return false;
}

}  // namespace

Expect<void> defineWasi(Linker& linker, Store& store, WasiContext& context, const Module* for_module) {
  const std::array families = {argsClockProcFunctions(), fdIoFunctions(), fdStatFunctions(),
                               pathFunctions(),          pollFunctions(), sockFunctions()};
  for (std::span<const WasiFunction> family : families) {
    for (const WasiFunction& f : family) {
      if (for_module && !imports(*for_module, f.name)) continue;
      // Two pointers (the table entries are static): small enough for
      // std::function to hold without a heap allocation per function.
      const WasiFunction* entry = &f;
      HostFunction host = [&context, entry](HostCall& call, std::span<const Value> args,
                                            std::span<Value> results) -> Expect<void> {
        std::unique_lock lock(context.callMutex());
        WasiCall wasi{context, call, GuestMemory(call.memory()), args, &lock};
        Errno e = WARDEN_TRY(entry->handler(wasi));
        if (entry->returns_errno) results[0] = Value::fromI32(uint32_t(e));
        return {};
      };
      FunctionInstance* func = store.createHostFunction(typeOf(f), std::move(host));
      linker.define("wasi_snapshot_preview1", f.name, Extern::of(func));
    }
  }
  return {};
}

}  // namespace warden::wasi
