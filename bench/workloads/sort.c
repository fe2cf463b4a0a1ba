/* Sorting: n * 2^16 LCG-generated 32-bit integers (n = 32: two million),
 * sorted twice — by an in-place quicksort and by a bottom-up merge sort — so
 * that both branchy compare-and-swap code and streaming loads/stores are
 * measured.
 * Both results are checked to be ordered and equal; run(n) returns a
 * position-weighted sum of the sorted array. */
#include "bench.h"

enum { kUnit = 1 << 16, kMaxUnits = 64, kMaxCount = kMaxUnits * kUnit, kInsertionCutoff = 16 };

static uint32_t by_quick[kMaxCount];
static uint32_t by_merge[kMaxCount];
static uint32_t scratch[kMaxCount];

static void insertion_sort(uint32_t* a, int32_t lo, int32_t hi) {
  for (int32_t i = lo + 1; i <= hi; ++i) {
    uint32_t v = a[i];
    int32_t j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
}

static inline void swap(uint32_t* a, int32_t i, int32_t j) {
  uint32_t t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/* Hoare partition around a median-of-three pivot; recurse into the smaller
 * side and loop on the larger so the depth stays logarithmic. */
static void quick_sort(uint32_t* a, int32_t lo, int32_t hi) {
  while (hi - lo > kInsertionCutoff) {
    int32_t mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    uint32_t pivot = a[mid];
    int32_t i = lo - 1, j = hi + 1;
    for (;;) {
      do ++i; while (a[i] < pivot);
      do --j; while (a[j] > pivot);
      if (i >= j) break;
      swap(a, i, j);
    }
    if (j - lo < hi - j) {
      quick_sort(a, lo, j);
      lo = j + 1;
    } else {
      quick_sort(a, j + 1, hi);
      hi = j;
    }
  }
  insertion_sort(a, lo, hi);
}

/* Bottom-up merge sort: runs of width 1, 2, 4, ... merged between the two
 * buffers; returns whichever buffer holds the result. */
static uint32_t* merge_sort(uint32_t* a, uint32_t* tmp, uint32_t count) {
  uint32_t* from = a;
  uint32_t* to = tmp;
  for (uint32_t width = 1; width < count; width *= 2) {
    for (uint32_t lo = 0; lo < count; lo += 2 * width) {
      uint32_t mid = lo + width < count ? lo + width : count;
      uint32_t hi = lo + 2 * width < count ? lo + 2 * width : count;
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) to[k++] = from[i] <= from[j] ? from[i++] : from[j++];
      while (i < mid) to[k++] = from[i++];
      while (j < hi) to[k++] = from[j++];
    }
    uint32_t* t = from;
    from = to;
    to = t;
  }
  return from;
}

BENCH_EXPORT uint32_t run(uint32_t n) {
  BENCH_CHECK(n >= 1 && n <= kMaxUnits);
  uint32_t count = n * kUnit;
  uint32_t seed = 2024;
  for (uint32_t i = 0; i < count; ++i) by_quick[i] = by_merge[i] = bench_lcg(&seed);
  quick_sort(by_quick, 0, (int32_t)count - 1);
  uint32_t* merged = merge_sort(by_merge, scratch, count);
  uint32_t checksum = 0;
  for (uint32_t i = 0; i < count; ++i) {
    BENCH_CHECK(by_quick[i] == merged[i]);
    BENCH_CHECK(i == 0 || by_quick[i - 1] <= by_quick[i]);
    checksum += by_quick[i] * (i + 1);
  }
  return checksum;
}
