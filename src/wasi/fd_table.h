// The guest's descriptor table: each entry is a host fd (or an in-memory
// stdio buffer) with the rights the guest holds on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wasi/owned_fd.h"
#include "wasi/path_resolver.h"
#include "wasi/wasi_abi.h"
#include "wasi/wasi_config.h"

namespace warden::wasi {

struct DirEntryInfo {
  std::string name;
  uint64_t ino = 0;
  Filetype type = Filetype::Unknown;
};

struct FdEntry {
  enum class Kind { File, Directory, Stream, Socket };
  Kind kind = Kind::File;
  Filetype filetype = Filetype::Unknown;
  OwnedFd owned;          // closed with the entry
  int borrowed_fd = -1;   // an inherited process fd (stdio), never closed
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  uint16_t fdflags = 0;   // as the guest set them (buffers keep them here)
  bool read_only = false; // beneath a read-only preopen
  bool is_preopen = false;
  std::string preopen_guest_path;

  // Stdio specifics.
  bool is_output = false;                  // stdout/stderr: counted against max_output
  std::shared_ptr<std::string> buffer;     // in-memory stdin (read from buffer_pos) or output
  size_t buffer_pos = 0;
  OutputSink sink;                         // streamed output (StdioSpec::Kind::Sink)

  // fd_readdir's snapshot of the directory; cookie n is the n-th entry.
  std::vector<DirEntryInfo> dir_snapshot;

  int hostFd() const { return owned.valid() ? owned.get() : borrowed_fd; }
  bool has(uint64_t rights) const { return (rights_base & rights) == rights; }
};

class FdTable {
 public:
  explicit FdTable(uint32_t max_open) : max_open_(max_open) {}

  FdEntry* get(uint32_t fd) {
    return fd < entries_.size() ? entries_[fd].get() : nullptr;
  }
  // The entry with shared ownership: it (and its host fd) stays alive while
  // held, even if another guest thread closes the number meanwhile.
  std::shared_ptr<FdEntry> share(uint32_t fd) { return fd < entries_.size() ? entries_[fd] : nullptr; }
  // Places the entry at the lowest free number; MFILE beyond the limit.
  WasiResult<uint32_t> insert(std::unique_ptr<FdEntry> entry);
  Errno close(uint32_t fd);
  // Puts the entry at exactly `fd`, replacing what was there (host use only:
  // new stdio for the next run of a kept sandbox).
  void place(uint32_t fd, std::unique_ptr<FdEntry> entry);
  // Moves `from` over `to` (closing what `to` held).
  Errno renumber(uint32_t from, uint32_t to);
  uint32_t openCount() const { return open_; }

 private:
  std::vector<std::shared_ptr<FdEntry>> entries_;
  uint32_t open_ = 0;
  uint32_t max_open_;
};

}  // namespace warden::wasi
