// UTF-8 validation exactly as the WebAssembly spec defines names: shortest
// encodings only, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
#pragma once

#include <cstdint>
#include <span>

namespace warden {

bool isValidUtf8(std::span<const uint8_t> bytes);

}  // namespace warden
