// `warden run`: command-line arguments → Wasm values, results → text.
#pragma once

#include <string>
#include <string_view>

#include "runtime/error.h"
#include "runtime/types.h"

namespace warden::cli {

// i32/i64: signed or unsigned decimal, or 0x hex (optionally negated).
// f32/f64: decimal, hex float, "nan", "inf", "-inf".
// Refs: only "null" is accepted.
Expect<Value> parseArgument(ValType type, std::string_view text);

// wasmtime's convention: integers as signed decimal, floats as their
// shortest round-trip decimal, references as "null" or "ref".
std::string formatResult(ValType type, Value value);

}  // namespace warden::cli
