/* The few libc routines clang may emit calls to when a workload is built for
 * Wasm without a libc (-nostdlib): struct copies and zeroing. Byte loops are
 * enough; the workloads do not depend on their speed. */
#include <stddef.h>

void* memcpy(void* dst, const void* src, size_t len) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  while (len--) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, size_t len) {
  unsigned char* d = dst;
  const unsigned char* s = src;
  if (d < s) {
    while (len--) *d++ = *s++;
  } else {
    while (len--) d[len] = s[len];
  }
  return dst;
}

void* memset(void* dst, int value, size_t len) {
  unsigned char* d = dst;
  while (len--) *d++ = (unsigned char)value;
  return dst;
}
