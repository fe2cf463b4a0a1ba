// How an execution's Result is written back: the JSON answer, the NDJSON
// stream lines, and UTF-8 care for guest output (which may be any bytes).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sandbox/execution.h"
#include "service/work_files.h"

namespace warden::service {

// {"status", "exit_code", "message", "stdout", "stderr", "output_truncated",
//  "duration_ms", "fuel_used", "memory_peak_bytes", "files", "files_truncated"}
nlohmann::json resultJson(const sandbox::Result& result, const ChangedFiles& files);

// JSON text; bytes that are not UTF-8 become U+FFFD instead of failing.
std::string dumpJson(const nlohmann::json& value);

// Cuts a byte stream into pieces that end on UTF-8 character boundaries, so
// that a character written across two guest writes is not turned into two
// U+FFFD in the stream.
class Utf8Chunker {
 public:
  // The complete characters so far; an unfinished one is held back.
  std::string take(std::string_view bytes);
  // Whatever is held back.
  std::string flush();

 private:
  std::string pending_;
};

}  // namespace warden::service
