// A fast digest of a module's bytes (XXH3-128, hex), which ties a snapshot
// to the exact module it was made from. Not a defence against a forged
// snapshot: snapshot files are the operator's, trusted like the binary.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace warden::sandbox {

std::string moduleDigest(std::span<const uint8_t> bytes);

// The first 16 hex digits of a moduleDigest() (no "xxh3-128:" prefix): a
// short name for cache files keyed by it.
std::string shortDigest(const std::string& digest);

}  // namespace warden::sandbox
