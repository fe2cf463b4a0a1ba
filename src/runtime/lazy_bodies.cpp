#include "runtime/lazy_bodies.h"

#include "runtime/function_compiler.h"
#include "runtime/interpreter.h"
#include "runtime/module.h"
#include "runtime/validator.h"

namespace warden {

LazyBodies::LazyBodies(const Module& module, const DecodeLimits& limits)
    : limits_(limits),
      declared_refs_(declaredFunctionRefs(module)),
      compiled_(new std::atomic<const CompiledFunction*>[module.functions.size()]) {
  // Every stub's code is the same one threaded instruction: threaded once
  // and copied (CPython has ~10,000 stubs; threading each was a sixth of a
  // snapshot restore's start).
  CompiledFunction threaded_stub;
  threaded_stub.code = {static_cast<uint32_t>(InternalOp::LazyCompile)};
  threadForInterpreter(threaded_stub);
  stubs_.resize(module.functions.size());
  for (uint32_t i = 0; i < stubs_.size(); ++i) {
    CompiledFunction& stub = stubs_[i];
    stub.code = threaded_stub.code;
    stub.threaded = true;
    stub.type_index = module.functions[i];
    // Its parameters as the real code has them, and no declared locals: a
    // call zeroes slots from num_params on (two at least), which must not
    // touch the arguments.
    stub.num_params = stub.num_locals = stub.frame_size = slotCount(module.types[stub.type_index].params);
    stub.defined_index = i;
    stub.lazy_stub = true;
    compiled_[i].store(nullptr, std::memory_order_relaxed);
  }
}

Expect<const CompiledFunction*> LazyBodies::compile(const Module& module, uint32_t i) {
  if (const CompiledFunction* done = compiled_[i].load(std::memory_order_acquire)) return done;
  std::lock_guard lock(mutex_);
  if (const CompiledFunction* done = compiled_[i].load(std::memory_order_acquire)) return done;
  Expect<CompiledFunction> fn = compileFunction(module, i, declared_refs_, limits_);
  if (!fn) return std::unexpected(inFunction(fn.error(), module, i));
  fn->defined_index = i;
  threadForInterpreter(*fn);
  owned_.push_back(std::make_unique<CompiledFunction>(std::move(*fn)));
  compiled_[i].store(owned_.back().get(), std::memory_order_release);
  compiled_count_.fetch_add(1, std::memory_order_relaxed);
  return owned_.back().get();
}

void LazyBodies::install(uint32_t i, CompiledFunction fn) {
  std::lock_guard lock(mutex_);
  if (compiled_[i].load(std::memory_order_acquire)) return;
  fn.defined_index = i;
  if (!fn.threaded) threadForInterpreter(fn);
  owned_.push_back(std::make_unique<CompiledFunction>(std::move(fn)));
  compiled_[i].store(owned_.back().get(), std::memory_order_release);
  compiled_count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<const CompiledFunction*> LazyBodies::compiledFunctions() {
  std::lock_guard lock(mutex_);
  std::vector<const CompiledFunction*> functions;
  functions.reserve(owned_.size());
  for (const auto& fn : owned_) functions.push_back(fn.get());
  return functions;
}

std::vector<uint32_t> LazyBodies::compiledIndices() {
  std::lock_guard lock(mutex_);
  std::vector<uint32_t> indices;
  indices.reserve(owned_.size());
  for (const auto& fn : owned_) indices.push_back(fn->defined_index);
  return indices;
}

}  // namespace warden
