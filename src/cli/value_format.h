// `warden run`: command-line arguments → Wasm values, results → text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.h"
#include "runtime/types.h"

namespace warden::cli {

// i32/i64: signed or unsigned decimal, or 0x hex (optionally negated).
// f32/f64: decimal, hex float, "nan", "inf", "-inf".
// Refs: only "null" is accepted.
Expect<Value> parseArgument(ValType type, std::string_view text);
// Any type, v128 included, appended in slot layout (a v128 takes two Values).
// A v128 is written as a shape and its lanes, like the text format's
// v128.const: "i32x4:1 2 3 4", "f32x4:1.5 -2 nan inf", "i8x16:0 1 ... 15"
// (lanes separated by spaces or commas; integer lanes signed, unsigned or 0x hex).
Expect<void> appendArgument(ValType type, std::string_view text, std::vector<Value>& out);

// wasmtime's convention: integers as signed decimal, floats as their
// shortest round-trip decimal, references as "null" or "ref".
std::string formatResult(ValType type, Value value);
// A v128 from its two slots: "i32x4:0x00000001 0x00000002 0x00000003 0x00000004"
// (four 32-bit lanes in hex, lane 0 first; a valid argument for appendArgument).
std::string formatV128(Value lo, Value hi);
// One line per result; `values` in slot layout.
std::vector<std::string> formatResults(const std::vector<ValType>& types, const std::vector<Value>& values);

}  // namespace warden::cli
