// The wasi_snapshot_preview1 ABI: errno values, rights, flags and the byte
// offsets of the structs wasi-libc reads and writes (all little-endian).
// Values follow the witx definitions of WASI preview1.
#pragma once

#include <cstdint>

namespace warden::wasi {

enum class Errno : uint16_t {
  Success = 0, TooBig = 1, Acces = 2, AddrInUse = 3, AddrNotAvail = 4, AfNoSupport = 5, Again = 6,
  Already = 7, Badf = 8, BadMsg = 9, Busy = 10, Canceled = 11, Child = 12, ConnAborted = 13,
  ConnRefused = 14, ConnReset = 15, Deadlk = 16, DestAddrReq = 17, Dom = 18, Dquot = 19, Exist = 20,
  Fault = 21, Fbig = 22, HostUnreach = 23, Idrm = 24, Ilseq = 25, InProgress = 26, Intr = 27,
  Inval = 28, Io = 29, IsConn = 30, IsDir = 31, Loop = 32, Mfile = 33, Mlink = 34, MsgSize = 35,
  Multihop = 36, NameTooLong = 37, NetDown = 38, NetReset = 39, NetUnreach = 40, Nfile = 41,
  NoBufs = 42, NoDev = 43, NoEnt = 44, NoExec = 45, NoLck = 46, NoLink = 47, NoMem = 48, NoMsg = 49,
  NoProtoOpt = 50, NoSpc = 51, NoSys = 52, NotConn = 53, NotDir = 54, NotEmpty = 55,
  NotRecoverable = 56, NotSock = 57, NotSup = 58, NotTy = 59, Nxio = 60, Overflow = 61,
  OwnerDead = 62, Perm = 63, Pipe = 64, Proto = 65, ProtoNoSupport = 66, ProtoType = 67, Range = 68,
  Rofs = 69, Spipe = 70, Srch = 71, Stale = 72, TimedOut = 73, TxtBsy = 74, Xdev = 75,
  NotCapable = 76,
};

// Rights: one bit per operation a descriptor may be used for.
namespace rights {
constexpr uint64_t FdDatasync = 1ull << 0;
constexpr uint64_t FdRead = 1ull << 1;
constexpr uint64_t FdSeek = 1ull << 2;
constexpr uint64_t FdFdstatSetFlags = 1ull << 3;
constexpr uint64_t FdSync = 1ull << 4;
constexpr uint64_t FdTell = 1ull << 5;
constexpr uint64_t FdWrite = 1ull << 6;
constexpr uint64_t FdAdvise = 1ull << 7;
constexpr uint64_t FdAllocate = 1ull << 8;
constexpr uint64_t PathCreateDirectory = 1ull << 9;
constexpr uint64_t PathCreateFile = 1ull << 10;
constexpr uint64_t PathLinkSource = 1ull << 11;
constexpr uint64_t PathLinkTarget = 1ull << 12;
constexpr uint64_t PathOpen = 1ull << 13;
constexpr uint64_t FdReaddir = 1ull << 14;
constexpr uint64_t PathReadlink = 1ull << 15;
constexpr uint64_t PathRenameSource = 1ull << 16;
constexpr uint64_t PathRenameTarget = 1ull << 17;
constexpr uint64_t PathFilestatGet = 1ull << 18;
constexpr uint64_t PathFilestatSetSize = 1ull << 19;
constexpr uint64_t PathFilestatSetTimes = 1ull << 20;
constexpr uint64_t FdFilestatGet = 1ull << 21;
constexpr uint64_t FdFilestatSetSize = 1ull << 22;
constexpr uint64_t FdFilestatSetTimes = 1ull << 23;
constexpr uint64_t PathSymlink = 1ull << 24;
constexpr uint64_t PathRemoveDirectory = 1ull << 25;
constexpr uint64_t PathUnlinkFile = 1ull << 26;
constexpr uint64_t PollFdReadwrite = 1ull << 27;
constexpr uint64_t SockShutdown = 1ull << 28;
constexpr uint64_t SockAccept = 1ull << 29;
constexpr uint64_t All = (1ull << 30) - 1;

// What a regular file, a directory and a stream (stdio, socket) can do.
constexpr uint64_t RegularFile = FdDatasync | FdRead | FdSeek | FdFdstatSetFlags | FdSync | FdTell | FdWrite |
                                 FdAdvise | FdAllocate | FdFilestatGet | FdFilestatSetSize |
                                 FdFilestatSetTimes | PollFdReadwrite;
constexpr uint64_t Directory = FdFdstatSetFlags | FdSync | FdDatasync | PathCreateDirectory | PathCreateFile |
                               PathLinkSource | PathLinkTarget | PathOpen | FdReaddir | PathReadlink |
                               PathRenameSource | PathRenameTarget | PathFilestatGet | PathFilestatSetSize |
                               PathFilestatSetTimes | FdFilestatGet | FdFilestatSetTimes | PathSymlink |
                               PathRemoveDirectory | PathUnlinkFile;
constexpr uint64_t Stream = FdRead | FdWrite | FdFdstatSetFlags | FdFilestatGet | PollFdReadwrite;
constexpr uint64_t Socket = Stream | SockShutdown | SockAccept;

// Rights that change the file tree or a file's contents: never granted
// beneath a read-only preopen.
constexpr uint64_t Mutating = FdDatasync | FdWrite | FdAllocate | PathCreateDirectory | PathCreateFile |
                              PathLinkSource | PathLinkTarget | PathRenameSource | PathRenameTarget |
                              PathFilestatSetSize | PathFilestatSetTimes | FdFilestatSetSize |
                              FdFilestatSetTimes | PathSymlink | PathRemoveDirectory | PathUnlinkFile;
}  // namespace rights

enum class Filetype : uint8_t {
  Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4,
  SocketDgram = 5, SocketStream = 6, SymbolicLink = 7,
};

namespace fdflags {
constexpr uint16_t Append = 1, Dsync = 2, Nonblock = 4, Rsync = 8, Sync = 16;
}
namespace oflags {
constexpr uint16_t Creat = 1, Directory = 2, Excl = 4, Trunc = 8;
}
namespace lookupflags {
constexpr uint32_t SymlinkFollow = 1;
}
namespace fstflags {
constexpr uint16_t Atim = 1, AtimNow = 2, Mtim = 4, MtimNow = 8;
}
enum class Whence : uint8_t { Set = 0, Cur = 1, End = 2 };
enum class ClockId : uint32_t { Realtime = 0, Monotonic = 1, ProcessCputime = 2, ThreadCputime = 3 };
enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint16_t kEventFdReadwriteHangup = 1;
constexpr uint8_t kPreopenTypeDir = 0;
namespace sdflags {
constexpr uint8_t Rd = 1, Wr = 2;
}
namespace riflags {
constexpr uint16_t RecvPeek = 1, RecvWaitall = 2;
}

// Struct sizes and field offsets (witx layout, as wasi-libc's api.h asserts).
namespace layout {
constexpr uint32_t kIovecSize = 8;        // buf u32 @0, buf_len u32 @4
constexpr uint32_t kFdstatSize = 24;      // filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16
constexpr uint32_t kFilestatSize = 64;    // dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56
constexpr uint32_t kDirentSize = 24;      // d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20
constexpr uint32_t kPrestatSize = 8;      // tag u8 @0, pr_name_len u32 @4
constexpr uint32_t kSubscriptionSize = 48;  // userdata u64 @0, tag u8 @8, clock{id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40} | fd u32 @16
constexpr uint32_t kEventSize = 32;       // userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24
}  // namespace layout

}  // namespace warden::wasi
