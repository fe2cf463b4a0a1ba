// Host stat → WASI filetype and filestat bytes.
#pragma once

#include <sys/stat.h>

#include <array>
#include <cstdint>

#include "wasi/guest_memory.h"
#include "wasi/path_resolver.h"
#include "wasi/wasi_abi.h"

namespace warden::wasi {

Filetype filetypeOf(mode_t mode);
Filetype filetypeOfDirent(unsigned char d_type);
// Writes a 64-byte filestat at `ptr`; false when out of bounds.
bool storeFilestat(const GuestMemory& mem, uint32_t ptr, const struct stat& info);

}  // namespace warden::wasi

namespace warden::wasi {

// The atime/mtime pair for futimens/utimensat from WASI's fstflags (INVAL
// when a time is both given and "now", or for unknown flags).
WasiResult<std::array<timespec, 2>> timesFromFlags(uint64_t atim, uint64_t mtim, uint32_t flags);

}  // namespace warden::wasi
