// Module validation: checks every index, type and constant expression of a
// decoded module, then validates and compiles each function body (filling
// Module::code). Validation is the security boundary: the interpreter relies
// on it and on nothing else.
#pragma once

#include "runtime/decoder.h"
#include "runtime/error.h"
#include "runtime/module.h"

namespace warden {

Expect<void> validateAndCompile(Module& module, const DecodeLimits& limits = {});

}  // namespace warden
