#include "sandbox/module_digest.h"

#define XXH_INLINE_ALL  // header-only: no library to link or load at start
#include <xxhash.h>

#include <fmt/format.h>

namespace warden::sandbox {

std::string moduleDigest(std::span<const uint8_t> bytes) {
  XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
  return fmt::format("xxh3-128:{:016x}{:016x}", hash.high64, hash.low64);
}

std::string shortDigest(const std::string& digest) { return digest.substr(digest.rfind(':') + 1, 16); }

}  // namespace warden::sandbox
