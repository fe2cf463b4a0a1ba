// InstanceImage: the state of an instance's own definitions after it has
// run — global values, table contents, dropped segments, memory sizes —
// that a snapshot records and a restore puts back (Linker::instantiateImage).
// Memory contents are not in it: the snapshot keeps them in a file that
// restored memories map copy-on-write (MemoryInstance::createMapped).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/error.h"
#include "runtime/types.h"

namespace warden {

struct Instance;

struct InstanceImage {
  // A reference as an index into the instance's function space; -1 is null.
  using FuncIndex = int64_t;

  struct Global {
    Value value = Value::zero();
    Value value_hi = Value::zero();
    FuncIndex func = -1;  // for funcref globals, instead of `value`
  };
  std::vector<Global> globals;                   // the defined globals, in order
  std::vector<std::vector<FuncIndex>> tables;    // the defined tables' elements
  std::vector<bool> elem_dropped;                // per element segment
  std::vector<bool> data_dropped;                // per data segment
  std::vector<uint64_t> memory_bytes;            // the defined memories' sizes
  // The size of memory 0 when the instance imports it (a wasi-threads
  // module's shared memory): its contents are restored by the embedder, who
  // gives the import a memory mapped from the image.
  std::optional<uint64_t> imported_memory_bytes;
};

// Where a restored memory's contents come from: `fd` at `offset` (page
// aligned), InstanceImage::memory_bytes long.
struct MemoryImageSource {
  int fd = -1;
  uint64_t offset = 0;
};

// Captures `instance`. Fails (HostError) for what cannot be restored in
// another Store: imported tables or globals, more than one imported memory,
// non-null externrefs, and references to functions of other instances.
Expect<InstanceImage> captureInstance(const Instance& instance);

}  // namespace warden
