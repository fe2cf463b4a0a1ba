// Resolves guest paths beneath a preopened directory, component by
// component, so that `..`, absolute paths and symlinks (absolute, relative,
// loops) cannot reach outside it. Linux openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS) does the walk in the kernel (race-free); where it is
// missing, a manual walk opens one component at a time with O_NOFOLLOW,
// keeps its own stack of directory fds for `..` and expands symlinks itself.
#pragma once

#include <sys/types.h>

#include <expected>
#include <string>
#include <string_view>

#include "wasi/owned_fd.h"
#include "wasi/wasi_abi.h"

namespace warden::wasi {

template <typename T>
using WasiResult = std::expected<T, Errno>;

enum class ResolveMode { Auto, ManualWalk };

constexpr size_t kMaxGuestPathBytes = 4096;
constexpr int kMaxSymlinkExpansions = 40;

// Checks a guest path before resolution: non-empty, no NUL byte, not too long.
Errno checkGuestPath(std::string_view path);

// openat(dirfd, path, flags, mode) confined beneath dirfd. `follow_final`
// decides whether a symlink as the last component is followed (a refused
// final symlink gives LOOP). Escapes give NOTCAPABLE.
WasiResult<OwnedFd> openBeneath(int dirfd, std::string_view path, int flags, mode_t mode, bool follow_final,
                                ResolveMode mode_choice = ResolveMode::Auto);

// The directory that contains the last component of `path` (resolved beneath
// dirfd, opened O_PATH) and that component's name, for the *at() calls that
// act on a name: mkdirat, unlinkat, renameat, symlinkat, linkat. A last
// component of "." or ".." (after the parent was checked to stay beneath)
// gives INVAL; callers that create map it to EXIST.
struct ParentAndName {
  OwnedFd dir;
  std::string name;
  bool trailing_slash = false;
};
WasiResult<ParentAndName> resolveParent(int dirfd, std::string_view path, ResolveMode mode_choice = ResolveMode::Auto);

}  // namespace warden::wasi
