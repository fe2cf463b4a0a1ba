// Compiled bodies of a lazily compiled module (lazy_bodies.h) kept in a
// file, so a later process installs them instead of compiling them again:
// compiling the ~600 bodies a Python start needs was three quarters of
// `warden python -c pass`'s instructions (callgrind: 68 M of 92 M).
//
// The file holds internal code, which the interpreter trusts as it trusts
// its compiler: it is a code-injection path. So it is only read when owned
// by this user and writable by no one else (and its directory likewise),
// it lives in Warden's cache, never in a place a sandbox is given, and it
// is tied by a key to this binary's build (the internal code's layout) and
// to the module's digest; a mismatch, a short or malformed file or a body
// that does not fit the module is refused whole.
//
// Format (little-endian u32 words): magic "WDNCODE2"; key length, key bytes
// padded to 4; count; then per body: defined index, type index, params,
// results, locals, frame size, code words, handler words; the threaded code
// with each handler address replaced by its op's index (threaded_code.h:
// unrelocateCode), and where those are. Loading writes the addresses back
// (a pass over them only): threading the bodies again was a quarter of a
// start's instructions.
#pragma once

#include <string>
#include <string_view>

#include "runtime/error.h"

namespace warden {

struct Module;

// What ties cached code to the binary that made it: its GNU build ID (hex),
// or empty when it has none (then nothing is cached).
const std::string& codeLayoutKey();

// Writes every body `module.lazy` has compiled (atomically: a temporary
// file renamed). `key` should name the module and codeLayoutKey().
Expect<void> saveCompiledBodies(const std::string& path, const Module& module, std::string_view key);

// Installs the bodies of a file written for the same `key`; returns how
// many. Refuses (installing nothing) a file of another key, owner or shape.
Expect<size_t> loadCompiledBodies(const std::string& path, const Module& module, std::string_view key);

}  // namespace warden
