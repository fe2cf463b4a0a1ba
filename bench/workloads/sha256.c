/* SHA-256 (FIPS 180-4) over a 256 KiB buffer, n times: 32-bit rotates, shifts
 * and adds in a tight loop, plus byte loads. Each round writes the previous
 * digest into the buffer's head so the rounds chain. The implementation is
 * first checked against the FIPS "abc" test vector. run(n) returns the first
 * four bytes of the final digest, big-endian. */
#include "bench.h"

enum { kBufferSize = 1 << 18 };

static uint8_t buffer[kBufferSize];

typedef struct {
  uint32_t h[8];
} Digest;

static const uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, unsigned k) { return (x >> k) | (x << (32 - k)); }

static uint32_t load_be32(const uint8_t* p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void compress(Digest* d, const uint8_t* block) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i) w[i] = load_be32(block + 4 * i);
  for (int i = 16; i < 64; ++i) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = d->h[0], b = d->h[1], c = d->h[2], e = d->h[4], f = d->h[5], g = d->h[6];
  uint32_t dd = d->h[3], h = d->h[7];
  for (int i = 0; i < 64; ++i) {
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRoundConstants[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = dd + t1;
    dd = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  d->h[0] += a; d->h[1] += b; d->h[2] += c; d->h[3] += dd;
  d->h[4] += e; d->h[5] += f; d->h[6] += g; d->h[7] += h;
}

static Digest sha256(const uint8_t* data, uint32_t len) {
  Digest d = {{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}};
  uint32_t whole = len & ~63u;
  for (uint32_t off = 0; off < whole; off += 64) compress(&d, data + off);
  /* Padding: the tail, 0x80, zeros, and the bit length in the last 8 bytes. */
  uint8_t tail[128];
  uint32_t rest = len - whole;
  for (uint32_t i = 0; i < 128; ++i) tail[i] = 0;
  for (uint32_t i = 0; i < rest; ++i) tail[i] = data[whole + i];
  tail[rest] = 0x80;
  uint32_t tail_len = rest + 9 <= 64 ? 64 : 128;
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; ++i) tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
  compress(&d, tail);
  if (tail_len == 128) compress(&d, tail + 64);
  return d;
}

BENCH_EXPORT uint32_t run(uint32_t n) {
  static const uint8_t abc[3] = {'a', 'b', 'c'};
  Digest known = sha256(abc, 3);
  BENCH_CHECK(known.h[0] == 0xba7816bf && known.h[7] == 0xf20015ad);

  uint32_t seed = 12345;
  for (uint32_t i = 0; i < kBufferSize; ++i) buffer[i] = (uint8_t)(bench_lcg(&seed) >> 24);
  Digest d = known;
  for (uint32_t round = 0; round < n; ++round) {
    for (int i = 0; i < 8; ++i) {  /* chain: the previous digest leads the buffer */
      buffer[4 * i] = (uint8_t)(d.h[i] >> 24);
      buffer[4 * i + 1] = (uint8_t)(d.h[i] >> 16);
      buffer[4 * i + 2] = (uint8_t)(d.h[i] >> 8);
      buffer[4 * i + 3] = (uint8_t)d.h[i];
    }
    d = sha256(buffer, kBufferSize - 7);  /* an odd length exercises the two-block padding */
  }
  return d.h[0];
}
