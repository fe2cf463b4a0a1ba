// Decode-only pass over a function body: reads every instruction and its
// immediates without type-checking. The one-pass compiler runs it only after
// a validation error, so that a malformed body is reported as malformed (the
// spec decodes the whole module before validating any of it).
#pragma once

#include <cstdint>
#include <span>

#include "runtime/decoder.h"
#include "runtime/error.h"
#include "runtime/module.h"

namespace warden {

// `body` is the instruction bytes up to and including the final `end`;
// `base_offset` is where they start in the module, for error offsets.
Expect<void> scanFunctionBody(const Module& module, std::span<const uint8_t> body, uint32_t base_offset,
                              const DecodeLimits& limits);

}  // namespace warden
