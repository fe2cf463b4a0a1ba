// SIMD benchmark kernels: a 3x3 box filter over an 8-bit image and a 16-bit
// dot product, the kind of integer loops clang vectorises with -msimd128.
// The same file is built for wasm32 (exported `run`) and natively (main), and
// both print the same checksum for the same N. Integer only, so the results
// do not depend on how the compiler orders the arithmetic.
#include <stdint.h>

#define WIDTH 256
#define HEIGHT 256
#define DOT_LEN 4096

static uint8_t image[HEIGHT][WIDTH];
static uint8_t filtered[HEIGHT][WIDTH];
static int16_t dot_a[DOT_LEN], dot_b[DOT_LEN];

#ifdef __wasm__
// No libc: the compiler may still turn loops into these calls.
void* memset(void* dst, int value, unsigned long n) {
  volatile uint8_t* d = dst;
  while (n--) *d++ = (uint8_t)value;
  return dst;
}
void* memcpy(void* dst, const void* src, unsigned long n) {
  volatile uint8_t* d = dst;
  const uint8_t* s = src;
  while (n--) *d++ = *s++;
  return dst;
}
#endif

static void fill(uint32_t seed) {
  uint32_t x = seed * 2654435761u + 1;
  for (int y = 0; y < HEIGHT; ++y)
    for (int i = 0; i < WIDTH; ++i) {
      x = x * 1664525u + 1013904223u;
      image[y][i] = (uint8_t)(x >> 24);
    }
  for (int i = 0; i < DOT_LEN; ++i) {
    x = x * 1664525u + 1013904223u;
    dot_a[i] = (int16_t)(x >> 16);
    dot_b[i] = (int16_t)(x & 0xffff);
  }
}

// Sum of the 3x3 neighbourhood divided by 8 (saturated), interior pixels only.
static void box3x3(void) {
  for (int y = 1; y < HEIGHT - 1; ++y) {
    const uint8_t* above = image[y - 1];
    const uint8_t* row = image[y];
    const uint8_t* below = image[y + 1];
    uint8_t* out = filtered[y];
    for (int x = 1; x < WIDTH - 1; ++x) {
      uint16_t sum = (uint16_t)(above[x - 1] + above[x] + above[x + 1] + row[x - 1] + row[x] + row[x + 1] +
                                below[x - 1] + below[x] + below[x + 1]);
      uint16_t v = sum >> 3;
      out[x] = (uint8_t)(v > 255 ? 255 : v);
    }
  }
}

static int32_t dot(void) {
  int32_t sum = 0;
  for (int i = 0; i < DOT_LEN; ++i) sum += (int32_t)dot_a[i] * dot_b[i];
  return sum;
}

// Runs `n` rounds; each filters the image, feeds the result back, and adds a
// dot product. Returns a checksum of everything computed.
uint32_t run(uint32_t n) {
  fill(n);
  uint32_t checksum = 0;
  for (uint32_t round = 0; round < n; ++round) {
    box3x3();
    for (int y = 1; y < HEIGHT - 1; ++y)
      for (int x = 1; x < WIDTH - 1; ++x) image[y][x] = (uint8_t)(filtered[y][x] + round);
    checksum = checksum * 31u + (uint32_t)dot();
    dot_a[round % DOT_LEN] ^= (int16_t)checksum;
  }
  for (int y = 0; y < HEIGHT; ++y)
    for (int x = 0; x < WIDTH; ++x) checksum = checksum * 33u + image[y][x];
  return checksum;
}

#ifndef __wasm__
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : 10;
  printf("%d\n", (int32_t)run(n));  // as `warden run` prints an i32
  return 0;
}
#endif
