// Structured logs: one JSON object per line on stderr, for every HTTP
// response and for service events (start, stop, session expiry).
#pragma once

#include <nlohmann/json.hpp>

namespace warden::service {

// Adds "ts" (UTC, RFC 3339 with milliseconds) and writes `entry` as one line.
// Thread-safe; lines never interleave.
void writeLog(nlohmann::json entry);

}  // namespace warden::service
