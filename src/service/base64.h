// Standard base64 (RFC 4648 §4, with padding) for file contents and wasm
// modules in JSON. Decoding is strict: whitespace, a missing or misplaced
// '=' and the URL-safe alphabet are all refused, so a client bug shows up
// as a 400 rather than as silently different bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace warden::service {

std::string base64Encode(std::string_view bytes);
// nullopt when `text` is not canonical base64.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace warden::service
