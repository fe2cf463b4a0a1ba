// Errors are values: every fallible engine call returns Expect<T>.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace warden {

enum class ErrorPhase : uint8_t { Decode, Validate, Link, Instantiate, Trap, Limit, Host };

enum class ErrorCode : uint16_t {
#define ERROR(name, phase, message) name,
#include "runtime/error_codes.def"
#undef ERROR
};

ErrorPhase phaseOf(ErrorCode code);
std::string_view specMessageOf(ErrorCode code);
std::string_view phaseName(ErrorPhase phase);

// An error carries its code (from error_codes.def) and a detail that says
// where: e.g. "code section, function 3, at byte 0x1a2: type mismatch ...".
class Error {
 public:
  Error(ErrorCode code, std::string detail = {}) : code_(code), detail_(std::move(detail)) {}

  ErrorCode code() const { return code_; }
  ErrorPhase phase() const { return phaseOf(code_); }
  // The spec's wording for this kind of error ("integer divide by zero").
  std::string_view specMessage() const { return specMessageOf(code_); }
  // Where and why; may be empty.
  const std::string& detail() const { return detail_; }
  // "<spec message>: <detail>" or just the spec message.
  std::string message() const;

 private:
  ErrorCode code_;
  std::string detail_;
};

template <typename T>
using Expect = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string detail = {}) {
  return std::unexpected<Error>(Error(code, std::move(detail)));
}

}  // namespace warden

// Propagates the error of an Expect<T> expression; yields its value otherwise.
#define WARDEN_TRY(expr)                                          \
  ({                                                              \
    auto&& warden_try_result_ = (expr);                           \
    if (!warden_try_result_) return std::unexpected(std::move(warden_try_result_).error()); \
    std::move(warden_try_result_).value();                        \
  })
