#include "wasi/run_limits.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace warden::wasi {

namespace {

Error badValue(std::string_view what, std::string_view text) {
  return Error(ErrorCode::InvalidArgument, fmt::format("invalid {} \"{}\"", what, text));
}

// Splits "1.5ms" into 1.5 and "ms".
bool splitNumber(std::string_view text, double& number, std::string_view& unit) {
  size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  if (end == 0) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
  if (ec != std::errc() || ptr != text.data() + end || !std::isfinite(number) || number < 0) return false;
  unit = text.substr(end);
  return true;
}

}  // namespace

Expect<uint64_t> parseCount(std::string_view text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::unexpected(badValue("count", text));
  return value;
}

Expect<uint64_t> parseSize(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!splitNumber(text, number, unit)) return std::unexpected(badValue("size", text));
  double scale = 1;
  if (!unit.empty()) {
    switch (std::toupper(static_cast<unsigned char>(unit[0]))) {
      case 'B': scale = 1; break;
      case 'K': scale = 1024.0; break;
      case 'M': scale = 1024.0 * 1024; break;
      case 'G': scale = 1024.0 * 1024 * 1024; break;
      case 'T': scale = 1024.0 * 1024 * 1024 * 1024; break;
      default: return std::unexpected(badValue("size", text));
    }
    std::string_view rest = unit.substr(1);
    if (!(rest.empty() || rest == "B" || rest == "iB" || rest == "b") || (unit[0] == 'B' && !rest.empty()))
      return std::unexpected(badValue("size", text));
  }
  double bytes = number * scale;
  if (bytes >= 18446744073709551615.0) return std::unexpected(badValue("size", text));
  return uint64_t(bytes);
}

Expect<std::chrono::nanoseconds> parseDuration(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!splitNumber(text, number, unit)) return std::unexpected(badValue("duration", text));
  double ns_per_unit;
  if (unit.empty() || unit == "s") ns_per_unit = 1e9;
  else if (unit == "ms") ns_per_unit = 1e6;
  else if (unit == "us") ns_per_unit = 1e3;
  else if (unit == "ns") ns_per_unit = 1;
  else if (unit == "m" || unit == "min") ns_per_unit = 60e9;
  else if (unit == "h") ns_per_unit = 3600e9;
  else return std::unexpected(badValue("duration", text));
  double ns = number * ns_per_unit;
  if (ns > 9.2e18) return std::unexpected(badValue("duration", text));
  return std::chrono::nanoseconds(int64_t(ns));
}

Watchdog::Watchdog(Store& store, std::chrono::nanoseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  thread_ = std::thread([this, &store, deadline] {
    std::unique_lock lock(mutex_);
    if (!wake_.wait_until(lock, deadline, [this] { return stop_; })) {
      fired_.store(true);
      store.interrupt();
    }
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace warden::wasi
