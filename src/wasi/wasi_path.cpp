// path_open and the other path_* functions. Every path is resolved beneath
// the directory descriptor by path_resolver.h; nothing here hands a guest
// path to the kernel with a host directory other than one found that way.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "wasi/errno_map.h"
#include "wasi/file_info.h"
#include "wasi/wasi_host.h"

namespace warden::wasi {

namespace {

// The directory descriptor `number`, checked: BADF, then EROFS for a change
// beneath a read-only preopen, then NOTCAPABLE, then NOTDIR.
WasiResult<FdEntry*> directory(const WasiCall& call, uint32_t number, uint64_t needed, bool mutating) {
  FdEntry* entry = call.ctx.fds().get(number);
  if (!entry) return std::unexpected(Errno::Badf);
  if (mutating && entry->read_only) return std::unexpected(Errno::Rofs);
  if (!entry->has(needed)) return std::unexpected(Errno::NotCapable);
  if (entry->kind != FdEntry::Kind::Directory) return std::unexpected(Errno::NotDir);
  return entry;
}

WasiResult<std::string_view> guestPath(const WasiCall& call, uint32_t ptr, uint32_t len) {
  auto path = call.mem.string(ptr, len);
  if (!path) return std::unexpected(Errno::Fault);
  if (Errno e = checkGuestPath(*path); e != Errno::Success) return std::unexpected(e);
  return *path;
}

// Creating over "." or ".." names something that exists.
Errno createErrno(Errno e) { return e == Errno::Inval ? Errno::Exist : e; }

// A last component written with a trailing slash ("x/") names a directory,
// a symlink standing for what it points to (Linux; tests/wasi/trailing_slash.c).
// This opens that directory beneath `dirfd`: ENOTDIR or ENOENT when there is
// none.
WasiResult<OwnedFd> trailingSlashDirectory(int dirfd, std::string_view path) {
  return openBeneath(dirfd, path, O_PATH | O_DIRECTORY, 0, true);
}

// Linux refuses "new/" as a name to create a link or symlink at: EEXIST
// when something has that name, else ENOENT.
Errno trailingSlashCreateErrno(const ParentAndName& target) {
  struct stat info {};
  return fstatat(target.dir.get(), target.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 ? Errno::Exist : Errno::NoEnt;
}


// An O_PATH fd's own file, as a path the kernel resolves to exactly it.
std::string procPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

Expect<Errno> pathOpen(WasiCall& call) {
  uint32_t oflags = call.u32(4);
  uint64_t base = call.u64(5), inheriting = call.u64(6);
  uint32_t fdf = call.u32(7);
  bool wants_write = (base & (rights::FdWrite | rights::FdAllocate | rights::FdFilestatSetSize)) ||
                     (fdf & fdflags::Append) || (oflags & (oflags::Creat | oflags::Trunc));
  uint64_t needed = rights::PathOpen;
  if (oflags & oflags::Creat) needed |= rights::PathCreateFile;
  if (oflags & oflags::Trunc) needed |= rights::PathFilestatSetSize;
  WASI_TRY(dir, directory(call, call.u32(0), needed, wants_write));
  WASI_TRY(path, guestPath(call, call.u32(2), call.u32(3)));
  // Base rights beyond what the directory passes on are refused; inheriting
  // rights are only ever narrowed to them (callers often ask for "all").
  if (base & ~dir->rights_inheriting) return Errno::NotCapable;
  if (oflags & ~uint32_t(oflags::Creat | oflags::Directory | oflags::Excl | oflags::Trunc)) return Errno::Inval;
  if (!call.mem.inBounds(call.u32(8), 4)) return Errno::Fault;

  bool reads = base & (rights::FdRead | rights::FdReaddir);
  bool writes = (base & (rights::FdWrite | rights::FdAllocate | rights::FdFilestatSetSize)) || (fdf & fdflags::Append);
  int flags = writes ? (reads ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & oflags::Creat) flags |= O_CREAT;
  if (oflags & oflags::Excl) flags |= O_EXCL;
  if (oflags & oflags::Trunc) flags |= O_TRUNC;
  if (oflags & oflags::Directory) flags |= O_DIRECTORY;
  if (fdf & fdflags::Append) flags |= O_APPEND;
  if (fdf & fdflags::Dsync) flags |= O_DSYNC;
  if (fdf & (fdflags::Sync | fdflags::Rsync)) flags |= O_SYNC;
  // Opened non-blocking so a FIFO in the tree cannot hang the host; the flag
  // is cleared below unless the guest asked for it.
  flags |= O_NONBLOCK;
  bool follow = call.u32(1) & lookupflags::SymlinkFollow;
  WASI_TRY(opened, openBeneath(dir->hostFd(), path, flags, 0666, follow));
  if (!(fdf & fdflags::Nonblock)) fcntl(opened.get(), F_SETFL, fcntl(opened.get(), F_GETFL) & ~O_NONBLOCK);

  struct stat info {};
  if (fstat(opened.get(), &info) != 0) return fromHostErrno(errno);
  auto entry = std::make_unique<FdEntry>();
  entry->filetype = filetypeOf(info.st_mode);
  bool is_dir = S_ISDIR(info.st_mode);
  entry->kind = is_dir ? FdEntry::Kind::Directory : FdEntry::Kind::File;
  uint64_t kind_rights = is_dir ? rights::Directory : rights::RegularFile;
  if (!S_ISREG(info.st_mode) && !is_dir) kind_rights &= ~(rights::FdSeek | rights::FdTell);
  entry->rights_base = base & kind_rights & dir->rights_inheriting;
  entry->rights_inheriting = inheriting & dir->rights_inheriting;
  entry->read_only = dir->read_only;
  if (entry->read_only) entry->rights_base &= ~rights::Mutating;
  entry->fdflags = uint16_t(fdf);
  entry->owned = std::move(opened);
  WASI_TRY(number, call.ctx.fds().insert(std::move(entry)));
  call.mem.store<uint32_t>(call.u32(8), number);
  return ok();
}

Expect<Errno> pathCreateDirectory(WasiCall& call) {
  WASI_TRY(dir, directory(call, call.u32(0), rights::PathCreateDirectory, true));
  WASI_TRY(path, guestPath(call, call.u32(1), call.u32(2)));
  auto parent = resolveParent(dir->hostFd(), path);
  if (!parent) return createErrno(parent.error());
  if (mkdirat(parent->dir.get(), parent->name.c_str(), 0777) != 0) return fromHostErrno(errno);
  return ok();
}

Expect<Errno> pathFilestatGet(WasiCall& call) {
  WASI_TRY(dir, directory(call, call.u32(0), rights::PathFilestatGet, false));
  WASI_TRY(path, guestPath(call, call.u32(2), call.u32(3)));
  bool follow = call.u32(1) & lookupflags::SymlinkFollow;
  WASI_TRY(target, openBeneath(dir->hostFd(), path, O_PATH, 0, follow));
  struct stat info {};
  if (fstat(target.get(), &info) != 0) return fromHostErrno(errno);
  return storeFilestat(call.mem, call.u32(4), info) ? Errno::Success : Errno::Fault;
}

Expect<Errno> pathFilestatSetTimes(WasiCall& call) {
  WASI_TRY(dir, directory(call, call.u32(0), rights::PathFilestatSetTimes, true));
  WASI_TRY(path, guestPath(call, call.u32(2), call.u32(3)));
  WASI_TRY(times, timesFromFlags(call.u64(4), call.u64(5), call.u32(6)));
  bool trailing_slash = !path.empty() && path.back() == '/';
  if (trailing_slash) {  // the directory the name stands for, link or not
    WASI_TRY(target, trailingSlashDirectory(dir->hostFd(), path));
    if (utimensat(AT_FDCWD, procPath(target.get()).c_str(), times.data(), 0) != 0) return fromHostErrno(errno);
    return ok();
  }
  if (call.u32(1) & lookupflags::SymlinkFollow) {
    // Resolve (and follow) beneath first, then act on exactly that file.
    WASI_TRY(target, openBeneath(dir->hostFd(), path, O_PATH, 0, true));
    if (utimensat(AT_FDCWD, procPath(target.get()).c_str(), times.data(), 0) != 0) return fromHostErrno(errno);
    return ok();
  }
  WASI_TRY(parent, resolveParent(dir->hostFd(), path));
  if (utimensat(parent.dir.get(), parent.name.c_str(), times.data(), AT_SYMLINK_NOFOLLOW) != 0)
    return fromHostErrno(errno);
  return ok();
}

Expect<Errno> pathLink(WasiCall& call) {
  WASI_TRY(old_dir, directory(call, call.u32(0), rights::PathLinkSource, true));
  WASI_TRY(old_path, guestPath(call, call.u32(2), call.u32(3)));
  WASI_TRY(new_dir, directory(call, call.u32(4), rights::PathLinkTarget, true));
  WASI_TRY(new_path, guestPath(call, call.u32(5), call.u32(6)));
  if (!old_path.empty() && old_path.back() == '/') {
    // A directory (or ENOTDIR/ENOENT), and directories take no hard links.
    auto named = trailingSlashDirectory(old_dir->hostFd(), old_path);
    return named ? Errno::Perm : named.error();
  }
  auto target = resolveParent(new_dir->hostFd(), new_path);
  if (!target) return createErrno(target.error());
  if (target->trailing_slash) return trailingSlashCreateErrno(*target);
  if (call.u32(1) & lookupflags::SymlinkFollow) {
    WASI_TRY(source, openBeneath(old_dir->hostFd(), old_path, O_PATH, 0, true));
    if (linkat(AT_FDCWD, procPath(source.get()).c_str(), target->dir.get(), target->name.c_str(), AT_SYMLINK_FOLLOW) != 0)
      return fromHostErrno(errno);
    return ok();
  }
  WASI_TRY(source, resolveParent(old_dir->hostFd(), old_path));
  if (linkat(source.dir.get(), source.name.c_str(), target->dir.get(), target->name.c_str(), 0) != 0)
    return fromHostErrno(errno);
  return ok();
}

Expect<Errno> pathReadlink(WasiCall& call) {
  WASI_TRY(dir, directory(call, call.u32(0), rights::PathReadlink, false));
  WASI_TRY(path, guestPath(call, call.u32(1), call.u32(2)));
  auto out = call.mem.bytes(call.u32(3), call.u32(4));
  if (!out) return Errno::Fault;
  if (!path.empty() && path.back() == '/') {
    // "link/" is what the link points to, a directory, never a link.
    auto named = trailingSlashDirectory(dir->hostFd(), path);
    return named ? Errno::Inval : named.error();
  }
  WASI_TRY(parent, resolveParent(dir->hostFd(), path));
  std::string target(4096, '\0');
  ssize_t n = readlinkat(parent.dir.get(), parent.name.c_str(), target.data(), target.size());
  if (n < 0) return fromHostErrno(errno);
  size_t copied = std::min(size_t(n), out->size());  // WASI truncates to the buffer
  std::copy_n(target.data(), copied, out->begin());
  if (!call.mem.store<uint32_t>(call.u32(5), uint32_t(copied))) return Errno::Fault;
  return ok();
}

Expect<Errno> pathRemoveDirectory(WasiCall& call) {
  WASI_TRY(dir, directory(call, call.u32(0), rights::PathRemoveDirectory, true));
  WASI_TRY(path, guestPath(call, call.u32(1), call.u32(2)));
  WASI_TRY(parent, resolveParent(dir->hostFd(), path));
  if (unlinkat(parent.dir.get(), parent.name.c_str(), AT_REMOVEDIR) != 0) return fromHostErrno(errno);
  return ok();
}

Expect<Errno> pathRename(WasiCall& call) {
  WASI_TRY(old_dir, directory(call, call.u32(0), rights::PathRenameSource, true));
  WASI_TRY(old_path, guestPath(call, call.u32(1), call.u32(2)));
  WASI_TRY(new_dir, directory(call, call.u32(3), rights::PathRenameTarget, true));
  WASI_TRY(new_path, guestPath(call, call.u32(4), call.u32(5)));
  WASI_TRY(source, resolveParent(old_dir->hostFd(), old_path));
  WASI_TRY(target, resolveParent(new_dir->hostFd(), new_path));
  // "x/" on either side: only a directory moves (Linux: ENOTDIR otherwise).
  if (source.trailing_slash) {
    if (auto named = trailingSlashDirectory(old_dir->hostFd(), old_path); !named) return named.error();
  }
  if (target.trailing_slash) {
    struct stat info {};
    if (fstatat(source.dir.get(), source.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) return Errno::NoEnt;
    if (!S_ISDIR(info.st_mode)) return Errno::NotDir;
  }
  if (renameat(source.dir.get(), source.name.c_str(), target.dir.get(), target.name.c_str()) != 0)
    return fromHostErrno(errno);
  return ok();
}

Expect<Errno> pathSymlink(WasiCall& call) {
  auto link_target = call.mem.string(call.u32(0), call.u32(1));
  if (!link_target) return Errno::Fault;
  WASI_TRY(dir, directory(call, call.u32(2), rights::PathSymlink, true));
  WASI_TRY(path, guestPath(call, call.u32(3), call.u32(4)));
  if (Errno e = checkGuestPath(*link_target); e != Errno::Success) return e;
  // An absolute target could only ever point outside the sandbox's view.
  if ((*link_target)[0] == '/') return Errno::Perm;
  auto parent = resolveParent(dir->hostFd(), path);
  if (!parent) return createErrno(parent.error());
  if (parent->trailing_slash) return trailingSlashCreateErrno(*parent);
  if (symlinkat(std::string(*link_target).c_str(), parent->dir.get(), parent->name.c_str()) != 0)
    return fromHostErrno(errno);
  return ok();
}

Expect<Errno> pathUnlinkFile(WasiCall& call) {
  WASI_TRY(dir, directory(call, call.u32(0), rights::PathUnlinkFile, true));
  WASI_TRY(path, guestPath(call, call.u32(1), call.u32(2)));
  auto parent = resolveParent(dir->hostFd(), path);
  if (!parent) return parent.error() == Errno::Inval ? Errno::IsDir : parent.error();
  if (parent->trailing_slash) {
    struct stat info {};
    if (fstatat(parent->dir.get(), parent->name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) return fromHostErrno(errno);
    return S_ISDIR(info.st_mode) ? Errno::IsDir : Errno::NotDir;
  }
  if (unlinkat(parent->dir.get(), parent->name.c_str(), 0) != 0) return fromHostErrno(errno);
  return ok();
}

constexpr WasiFunction kFunctions[] = {
    {"path_open", "iiiiiIIii", true, pathOpen},
    {"path_create_directory", "iii", true, pathCreateDirectory},
    {"path_filestat_get", "iiiii", true, pathFilestatGet},
    {"path_filestat_set_times", "iiiiIIi", true, pathFilestatSetTimes},
    {"path_link", "iiiiiii", true, pathLink},
    {"path_readlink", "iiiiii", true, pathReadlink},
    {"path_remove_directory", "iii", true, pathRemoveDirectory},
    {"path_rename", "iiiiii", true, pathRename},
    {"path_symlink", "iiiii", true, pathSymlink},
    {"path_unlink_file", "iii", true, pathUnlinkFile},
};

}  // namespace

std::span<const WasiFunction> pathFunctions() { return kFunctions; }

}  // namespace warden::wasi
