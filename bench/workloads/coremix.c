/* A CoreMark-like mix, in the spirit of (not copied from) EEMBC CoreMark:
 * each iteration runs three kernels on small data that stays in cache and
 * folds their results into a CRC-16:
 *   - linked list: build from a node pool, search, reverse, merge-sort by key;
 *   - matrix: 16-bit matrices, multiply into 32-bit, add/scale/bit-extract;
 *   - state machine: classify the tokens of a text buffer (integers, hex,
 *     floats, exponents, junk) with a switch-driven scanner.
 * Pointer chasing, short loops, switches and calls. run(n) returns the CRC
 * after n iterations; each kernel checks an invariant of its own. */
#include "bench.h"

/* ---- CRC-16/CCITT, bit by bit (as much a workload as a checksum) ---- */

static uint16_t crc16_u8(uint8_t byte, uint16_t crc) {
  crc ^= (uint16_t)byte << 8;
  for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
  return crc;
}

static uint16_t crc16_u32(uint32_t value, uint16_t crc) {
  for (int i = 0; i < 4; ++i) crc = crc16_u8((uint8_t)(value >> (8 * i)), crc);
  return crc;
}

/* ---- linked list ---- */

enum { kListNodes = 200 };

typedef struct Node {
  struct Node* next;
  int32_t key;
  int32_t payload;
} Node;

static Node pool[kListNodes];

static Node* list_build(uint32_t seed) {
  Node* head = 0;
  for (int i = 0; i < kListNodes; ++i) {
    pool[i].key = (int32_t)(bench_lcg(&seed) >> 20);
    pool[i].payload = i;
    pool[i].next = head;
    head = &pool[i];
  }
  return head;
}

static Node* list_find(Node* head, int32_t key) {
  while (head && head->key != key) head = head->next;
  return head;
}

static Node* list_reverse(Node* head) {
  Node* prev = 0;
  while (head) {
    Node* next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  return prev;
}

static Node* list_merge(Node* a, Node* b) {
  Node dummy;
  Node* tail = &dummy;
  while (a && b) {
    if (a->key <= b->key) {
      tail->next = a;
      a = a->next;
    } else {
      tail->next = b;
      b = b->next;
    }
    tail = tail->next;
  }
  tail->next = a ? a : b;
  return dummy.next;
}

static Node* list_sort(Node* head) {
  if (!head || !head->next) return head;
  Node* slow = head;
  Node* fast = head->next;
  while (fast && fast->next) {
    slow = slow->next;
    fast = fast->next->next;
  }
  Node* second = slow->next;
  slow->next = 0;
  return list_merge(list_sort(head), list_sort(second));
}

static uint16_t list_kernel(uint32_t seed, uint16_t crc) {
  Node* head = list_build(seed);
  int found = 0;
  for (int i = 0; i < 20; ++i) {
    Node* hit = list_find(head, pool[((uint32_t)i * 37u + seed) % kListNodes].key);
    BENCH_CHECK(hit != 0);
    found += hit->payload;
  }
  crc = crc16_u32((uint32_t)found, crc);
  head = list_reverse(head);
  head = list_sort(head);
  int count = 0;
  for (Node* p = head; p; p = p->next, ++count) {
    BENCH_CHECK(!p->next || p->key <= p->next->key);
    if ((count & 15) == 0) crc = crc16_u32((uint32_t)(p->key ^ p->payload), crc);
  }
  BENCH_CHECK(count == kListNodes);
  return crc;
}

/* ---- matrix ---- */

enum { kDim = 20 };

static int16_t mat_a[kDim][kDim], mat_b[kDim][kDim];
static int32_t mat_c[kDim][kDim];

static uint16_t matrix_kernel(uint32_t seed, uint16_t crc) {
  for (int i = 0; i < kDim; ++i) {
    for (int j = 0; j < kDim; ++j) {
      mat_a[i][j] = (int16_t)(bench_lcg(&seed) >> 22) - 512;
      mat_b[i][j] = (int16_t)(bench_lcg(&seed) >> 22) - 512;
    }
  }
  for (int i = 0; i < kDim; ++i) {
    for (int j = 0; j < kDim; ++j) {
      int32_t sum = 0;
      for (int k = 0; k < kDim; ++k) sum += (int32_t)mat_a[i][k] * mat_b[k][j];
      mat_c[i][j] = sum;
    }
  }
  /* Trace of A·B equals the sum of elementwise products of A and Bᵀ. */
  int32_t trace = 0, check = 0;
  for (int i = 0; i < kDim; ++i) {
    trace += mat_c[i][i];
    for (int k = 0; k < kDim; ++k) check += (int32_t)mat_a[i][k] * mat_b[k][i];
  }
  BENCH_CHECK(trace == check);
  int32_t acc = 0;
  for (int i = 0; i < kDim; ++i) {
    for (int j = 0; j < kDim; ++j) {
      int32_t v = mat_c[i][j] * 3 + mat_a[i][j];
      acc += (v >> 4) & 0x3ff;
      if (v > acc) acc ^= v;
    }
  }
  return crc16_u32((uint32_t)acc, crc16_u32((uint32_t)trace, crc));
}

/* ---- state machine ---- */

typedef enum { kStart, kSign, kInt, kHexPrefix, kHex, kFrac, kExp, kExpSign, kExpDigits, kJunk, kStates } State;

enum { kTextSize = 600 };

static char text[kTextSize];

static void text_build(uint32_t seed) {
  static const char* const kTokens[] = {"123", "-42", "0x1f", "3.25", "-0.5e3", "7e-2", "+9", "abc", "1.2.3", "0xg", "", "5"};
  uint32_t pos = 0;
  while (pos < kTextSize - 12) {
    const char* token = kTokens[bench_lcg(&seed) % (sizeof kTokens / sizeof kTokens[0])];
    while (*token) text[pos++] = *token++;
    text[pos++] = ',';
  }
  while (pos < kTextSize) text[pos++] = 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

static State step(State s, char c) {
  switch (s) {
    case kStart:
      if (c == '+' || c == '-') return kSign;
      if (c == '0') return kHexPrefix;
      return is_digit(c) ? kInt : kJunk;
    case kSign: return is_digit(c) ? kInt : kJunk;
    case kHexPrefix:
      if (c == 'x') return kHex;
      if (c == '.') return kFrac;
      return is_digit(c) ? kInt : kJunk;
    case kInt:
      if (c == '.') return kFrac;
      if (c == 'e') return kExp;
      return is_digit(c) ? kInt : kJunk;
    case kHex: return is_hex(c) ? kHex : kJunk;
    case kFrac:
      if (c == 'e') return kExp;
      return is_digit(c) ? kFrac : kJunk;
    case kExp:
      if (c == '+' || c == '-') return kExpSign;
      return is_digit(c) ? kExpDigits : kJunk;
    case kExpSign:
    case kExpDigits: return is_digit(c) ? kExpDigits : kJunk;
    default: return kJunk;
  }
}

static uint16_t state_kernel(uint32_t seed, uint16_t crc) {
  text_build(seed);
  uint32_t finals[kStates] = {0};
  uint32_t transitions = 0;
  State s = kStart;
  for (int i = 0; i < kTextSize && text[i]; ++i) {
    if (text[i] == ',') {
      finals[s]++;
      s = kStart;
      continue;
    }
    State next = step(s, text[i]);
    transitions += next != s;
    s = next;
  }
  uint32_t tokens = 0;
  for (int i = 0; i < kStates; ++i) {
    tokens += finals[i];
    crc = crc16_u32(finals[i], crc);
  }
  BENCH_CHECK(tokens > 0 && finals[kInt] + finals[kJunk] > 0);
  return crc16_u32(transitions, crc);
}

BENCH_EXPORT uint32_t run(uint32_t n) {
  uint16_t crc = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t seed = i * 2654435761u + (uint32_t)crc;
    crc = list_kernel(seed, crc);
    crc = matrix_kernel(seed, crc);
    crc = state_kernel(seed, crc);
  }
  return crc;
}
