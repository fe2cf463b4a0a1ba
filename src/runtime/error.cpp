#include "runtime/error.h"

namespace warden {

ErrorPhase phaseOf(ErrorCode code) {
  switch (code) {
#define ERROR(name, phase, message) \
  case ErrorCode::name:             \
    return ErrorPhase::phase;
#include "runtime/error_codes.def"
#undef ERROR
  }
  return ErrorPhase::Host;
}

std::string_view specMessageOf(ErrorCode code) {
  switch (code) {
#define ERROR(name, phase, message) \
  case ErrorCode::name:             \
    return message;
#include "runtime/error_codes.def"
#undef ERROR
  }
  return "unknown error";
}

std::string_view phaseName(ErrorPhase phase) {
  switch (phase) {
    case ErrorPhase::Decode: return "decode";
    case ErrorPhase::Validate: return "validate";
    case ErrorPhase::Link: return "link";
    case ErrorPhase::Instantiate: return "instantiate";
    case ErrorPhase::Trap: return "trap";
    case ErrorPhase::Limit: return "limit";
    case ErrorPhase::Host: return "host";
  }
  return "unknown";
}

std::string Error::message() const {
  std::string out(specMessage());
  if (!detail_.empty()) {
    out += ": ";
    out += detail_;
  }
  return out;
}

}  // namespace warden
