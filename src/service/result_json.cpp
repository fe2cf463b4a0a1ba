#include "service/result_json.h"

#include <chrono>

#include "service/base64.h"

namespace warden::service {

nlohmann::json resultJson(const sandbox::Result& result, const ChangedFiles& files) {
  nlohmann::json out_files = nlohmann::json::array();
  for (const OutputFile& file : files.files) {
    nlohmann::json entry = {{"path", file.path}, {"size", file.size}};
    if (file.content) entry["content"] = base64Encode(*file.content);
    else entry["content_omitted"] = true;
    out_files.push_back(std::move(entry));
  }
  return {
      {"status", sandbox::statusName(result.status)},
      {"exit_code", result.exit_code},
      {"message", result.message},
      {"stdout", result.stdout_data},
      {"stderr", result.stderr_data},
      {"output_truncated", result.output_truncated},
      {"duration_ms", std::chrono::duration<double, std::milli>(result.duration).count()},
      {"fuel_used", result.fuel_used},
      {"memory_peak_bytes", result.memory_peak_bytes},
      {"files", std::move(out_files)},
      {"files_truncated", files.truncated},
  };
}

std::string dumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Utf8Chunker::take(std::string_view bytes) {
  pending_.append(bytes);
  // Find where the last character starts and whether it is complete.
  size_t end = pending_.size();
  size_t lead = end;
  for (size_t back = 1; back <= 4 && back <= end; ++back) {
    unsigned char c = static_cast<unsigned char>(pending_[end - back]);
    if ((c & 0xC0) != 0x80) {
      lead = end - back;
      break;
    }
  }
  size_t cut = end;
  if (lead < end) {
    unsigned char c = static_cast<unsigned char>(pending_[lead]);
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (lead + need > end && c >= 0xC0 && c < 0xF8) cut = lead;
  }
  std::string ready = pending_.substr(0, cut);
  pending_.erase(0, cut);
  return ready;
}

std::string Utf8Chunker::flush() { return std::exchange(pending_, {}); }

}  // namespace warden::service
