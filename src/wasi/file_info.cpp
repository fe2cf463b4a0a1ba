#include "wasi/file_info.h"

#include <dirent.h>

#include <algorithm>

namespace warden::wasi {

namespace {
uint64_t nanos(const timespec& t) { return uint64_t(t.tv_sec) * 1'000'000'000ull + uint64_t(t.tv_nsec); }
}  // namespace

Filetype filetypeOf(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return Filetype::RegularFile;
    case S_IFDIR: return Filetype::Directory;
    case S_IFLNK: return Filetype::SymbolicLink;
    case S_IFCHR: return Filetype::CharacterDevice;
    case S_IFBLK: return Filetype::BlockDevice;
    case S_IFSOCK: return Filetype::SocketStream;
    default: return Filetype::Unknown;  // FIFOs have no WASI type
  }
}

Filetype filetypeOfDirent(unsigned char d_type) {
  switch (d_type) {
    case DT_REG: return Filetype::RegularFile;
    case DT_DIR: return Filetype::Directory;
    case DT_LNK: return Filetype::SymbolicLink;
    case DT_CHR: return Filetype::CharacterDevice;
    case DT_BLK: return Filetype::BlockDevice;
    case DT_SOCK: return Filetype::SocketStream;
    default: return Filetype::Unknown;
  }
}

bool storeFilestat(const GuestMemory& mem, uint32_t ptr, const struct stat& info) {
  auto out = mem.bytes(ptr, layout::kFilestatSize);
  if (!out) return false;
  std::fill(out->begin(), out->end(), 0);
  mem.store<uint64_t>(ptr + 0, uint64_t(info.st_dev));
  mem.store<uint64_t>(ptr + 8, uint64_t(info.st_ino));
  mem.store<uint8_t>(ptr + 16, uint8_t(filetypeOf(info.st_mode)));
  mem.store<uint64_t>(ptr + 24, uint64_t(info.st_nlink));
  mem.store<uint64_t>(ptr + 32, uint64_t(info.st_size));
  mem.store<uint64_t>(ptr + 40, nanos(info.st_atim));
  mem.store<uint64_t>(ptr + 48, nanos(info.st_mtim));
  mem.store<uint64_t>(ptr + 56, nanos(info.st_ctim));
  return true;
}

}  // namespace warden::wasi

namespace warden::wasi {

WasiResult<std::array<timespec, 2>> timesFromFlags(uint64_t atim, uint64_t mtim, uint32_t flags) {
  using namespace fstflags;
  if (flags & ~uint32_t(Atim | AtimNow | Mtim | MtimNow)) return std::unexpected(Errno::Inval);
  if (((flags & Atim) && (flags & AtimNow)) || ((flags & Mtim) && (flags & MtimNow))) return std::unexpected(Errno::Inval);
  auto pick = [](uint64_t ns, bool set, bool now) {
    if (now) return timespec{0, UTIME_NOW};
    if (!set) return timespec{0, UTIME_OMIT};
    return timespec{time_t(ns / 1'000'000'000ull), long(ns % 1'000'000'000ull)};
  };
  return std::array<timespec, 2>{pick(atim, flags & Atim, flags & AtimNow), pick(mtim, flags & Mtim, flags & MtimNow)};
}

}  // namespace warden::wasi
