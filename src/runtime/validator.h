// Module validation: checks every index, type and constant expression of a
// decoded module, then validates and compiles each function body (filling
// Module::code). Validation is the security boundary: the interpreter relies
// on it and on nothing else.
#pragma once

#include <vector>

#include "runtime/decoder.h"
#include "runtime/error.h"
#include "runtime/module.h"

namespace warden {

Expect<void> validateAndCompile(Module& module, const DecodeLimits& limits = {});

// Everything but the function bodies (for lazily compiled modules, see
// lazy_bodies.h).
Expect<void> validateStructure(Module& module);

// Functions that bodies may name with ref.func: those referenced from
// element segments, exports and global initialisers (spec C.refs).
std::vector<bool> declaredFunctionRefs(const Module& module);

// `e` with "function N (defined I)" added unless it names a function already.
Error inFunction(const Error& e, const Module& module, uint32_t defined_index);

}  // namespace warden
