// Hot pages (sandbox/hot_pages.h): recording tells written pages of a
// private file mapping from pages only read and from pages never touched;
// prefaulting maps them without changing their contents; the saved form
// reads back, and a malformed one gives no pages.
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include "sandbox/hot_pages.h"

namespace warden::sandbox {
namespace {

constexpr size_t kPage = 4096;

struct PrivateFileMapping {
  PrivateFileMapping(size_t pages) : size(pages * kPage) {
    fd = memfd_create("hot-pages-test", MFD_CLOEXEC);
    EXPECT_EQ(ftruncate(fd, off_t(size)), 0);
    std::vector<uint8_t> fill(size, 0x5a);
    EXPECT_EQ(pwrite(fd, fill.data(), size, 0), ssize_t(size));
    base = static_cast<uint8_t*>(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
    // No fault-around: what is mapped is only what is touched.
    madvise(base, size, MADV_RANDOM);
  }
  ~PrivateFileMapping() {
    munmap(base, size);
    close(fd);
  }
  int fd = -1;
  size_t size;
  uint8_t* base = nullptr;
};

bool contains(const HotPages::Runs& runs, uint32_t page) {
  for (auto [first, count] : runs)
    if (page >= first && page < first + count) return true;
  return false;
}

TEST(HotPages, RecordsWrittenAndReadPagesApart) {
  PrivateFileMapping map(64);
  map.base[3 * kPage] = 1;  // written: copied on write
  map.base[4 * kPage + 10] = 2;
  volatile uint8_t read = map.base[40 * kPage];  // only read
  (void)read;
  Expect<HotPages> pages = recordHotPages(map.base, map.size);
  ASSERT_TRUE(pages) << pages.error().message();
  EXPECT_TRUE(contains(pages->written, 3));
  EXPECT_TRUE(contains(pages->written, 4));
  EXPECT_FALSE(contains(pages->written, 40));
  EXPECT_TRUE(contains(pages->read, 40));
  EXPECT_FALSE(contains(pages->written, 20));
  EXPECT_FALSE(contains(pages->read, 20));
  EXPECT_EQ(pages->written.size(), 1u);  // pages 3 and 4: one run
}

TEST(HotPages, PrefaultingMapsThePagesAndKeepsTheirContents) {
  PrivateFileMapping map(32);
  HotPages wanted{{{2, 3}}, {{10, 1}}};
  prefaultHotPages(map.base, map.size, wanted);
  HotPages now = recordHotPages(map.base, map.size).value();
  for (uint32_t page : {2u, 3u, 4u}) EXPECT_TRUE(contains(now.written, page)) << page;
  EXPECT_TRUE(contains(now.read, 10));
  for (size_t i = 0; i < map.size; i += kPage) EXPECT_EQ(map.base[i], 0x5a);
  // Runs past the memory's end are cut, not an error.
  prefaultHotPages(map.base, 2 * kPage, HotPages{{{1, 100}}, {}});
}

TEST(HotPages, JsonRoundTripAndMalformedInput) {
  HotPages pages{{{1, 2}, {9, 1}}, {{4, 3}}};
  HotPages back = hotPagesFromJson(hotPagesToJson(pages));
  EXPECT_EQ(back.written, pages.written);
  EXPECT_EQ(back.read, pages.read);
  EXPECT_EQ(back.pageCount(), 6u);
  EXPECT_TRUE(hotPagesFromJson(nlohmann::json::parse(R"({"written": [[1, -2]], "read": "x"})")).empty());
  EXPECT_TRUE(hotPagesFromJson(nlohmann::json()).empty());
}

}  // namespace
}  // namespace warden::sandbox
