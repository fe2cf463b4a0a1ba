// One pass over a function body that decodes, validates and lowers it to
// internal code (internal_ops.def). Errors name the function, the byte offset
// and the reason.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/decoder.h"
#include "runtime/error.h"
#include "runtime/module.h"

namespace warden {

// `defined_index` counts defined functions only (0 = first non-imported).
// `declared_refs[f]` is true when function f may be named by ref.func in a
// body (it appears in an element segment, an export or a global initialiser).
Expect<CompiledFunction> compileFunction(const Module& module, uint32_t defined_index,
                                         const std::vector<bool>& declared_refs,
                                         const DecodeLimits& limits = {});

}  // namespace warden
