// The pages of a restored sandbox's memory that a typical run touches.
// Recorded once, after a warm-up run in a restore (from /proc/self/pagemap:
// a page it wrote has become anonymous, one it read is mapped from the
// snapshot), and saved with the snapshot. A later restore asks the kernel
// to fault them in a batch (MADV_POPULATE_WRITE / _READ) before the program
// runs: on these VMs a page fault costs ~10 us, a page populated in a batch
// about half, and a pool's background thread pays it instead of the request.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/error.h"

namespace warden::sandbox {

struct HotPages {
  using Runs = std::vector<std::pair<uint32_t, uint32_t>>;  // (first host page, count)
  Runs written;  // copied on write by the warm-up run
  Runs read;     // only read (mapped from the image)
  bool empty() const { return written.empty() && read.empty(); }
  uint64_t pageCount() const;
};

// Reads which pages of [base, base + bytes) this process has mapped, and how.
Expect<HotPages> recordHotPages(const uint8_t* base, uint64_t bytes);

// Faults `pages` in ahead of use, within the first `bytes` of `base` (best
// effort: a kernel without MADV_POPULATE_* leaves them to be faulted later).
void prefaultHotPages(uint8_t* base, uint64_t bytes, const HotPages& pages);

nlohmann::json hotPagesToJson(const HotPages& pages);
// Malformed or missing input gives no pages (they are an optimisation only).
HotPages hotPagesFromJson(const nlohmann::json& json);

}  // namespace warden::sandbox
