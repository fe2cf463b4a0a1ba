// Binary decoder: bytes → Module, rejecting every malformed binary.
// Function bodies are only split off here; their instructions are decoded
// together with validation by the function compiler (function_compiler.h).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/error.h"
#include "runtime/module.h"

namespace warden {

// Bounds on counts in hostile input, checked before anything is allocated.
struct DecodeLimits {
  uint32_t max_types = 1'000'000;
  uint32_t max_functions = 1'000'000;
  uint32_t max_imports = 100'000;
  uint32_t max_exports = 100'000;
  uint32_t max_globals = 1'000'000;
  uint32_t max_segments = 100'000;
  uint32_t max_segment_items = 10'000'000;
  uint32_t max_locals = 50'000;          // per function, params included
  uint32_t max_params = 1'000;
  uint32_t max_results = 1'000;
  uint32_t max_tables = 100'000;
  uint32_t max_br_table = 1'000'000;
  // The threads proposal (shared memories, the 0xFE atomics). Off, the
  // decoder accepts Wasm 2.0 only, as the core spec testsuite expects
  // (memory limits flags 2 and 3 are then malformed).
  bool threads = true;
};

Expect<Module> decodeModule(std::span<const uint8_t> bytes, const DecodeLimits& limits = {});

// Appends `body`'s declared locals, expanded from their groups (which the
// decoder checked, count and types), to `out`.
Expect<void> appendDeclaredLocals(const Module& module, const FunctionBody& body, std::vector<ValType>& out);
// The same, taking the buffer over instead of copying it (a module file read
// whole: no second copy of what may be tens of megabytes).
Expect<Module> decodeModule(std::vector<uint8_t>&& bytes, const DecodeLimits& limits = {});
// The same, sharing `bytes` (e.g. a mapped file) instead of copying them.
Expect<Module> decodeModule(ModuleBytes bytes, const DecodeLimits& limits = {});

}  // namespace warden
