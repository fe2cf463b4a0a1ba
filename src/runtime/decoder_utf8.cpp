#include "runtime/decoder_utf8.h"

namespace warden {

namespace {

bool isContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// Length of the sequence that starts with `lead` and the allowed range of its
// second byte; the tight ranges are what exclude overlong forms, surrogates
// and code points above U+10FFFF (Unicode Table 3-7).
struct LeadInfo {
  unsigned length;  // 0 = invalid lead byte
  uint8_t second_lo;
  uint8_t second_hi;
};

LeadInfo leadInfo(uint8_t lead) {
  if (lead < 0x80) return {1, 0, 0};
  if (lead < 0xC2) return {0, 0, 0};  // continuation byte or overlong 2-byte lead
  if (lead < 0xE0) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};  // no overlong 3-byte forms
  if (lead == 0xED) return {3, 0x80, 0x9F};  // no surrogates
  if (lead < 0xF0) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};  // no overlong 4-byte forms
  if (lead < 0xF4) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  return {0, 0, 0};
}

}  // namespace

bool isValidUtf8(std::span<const uint8_t> bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    LeadInfo info = leadInfo(bytes[i]);
    if (info.length == 0) return false;
    if (info.length == 1) {
      ++i;
      continue;
    }
    if (bytes.size() - i < info.length) return false;  // truncated sequence
    uint8_t second = bytes[i + 1];
    if (second < info.second_lo || second > info.second_hi) return false;
    for (unsigned k = 2; k < info.length; ++k) {
      if (!isContinuation(bytes[i + k])) return false;
    }
    i += info.length;
  }
  return true;
}

}  // namespace warden
