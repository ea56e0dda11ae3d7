#include "util/safe_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace redoubt::util {
namespace {

class SafeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/safe_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::set<std::string> Names() const {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      out.insert(e.path().filename().string());
    }
    return out;
  }
  std::string dir_;
};

TEST_F(SafeFileTest, TempNamesAreUnpredictableAndPrivateWhateverTheUmask) {
  const mode_t old = umask(0);
  StatusOr<TempFile> a = TempFile::Create(Path("dump.rdb"), "temp-", ".rdb");
  StatusOr<TempFile> b = TempFile::Create(Path("dump.rdb"), "temp-", ".rdb");
  umask(old);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->path(), b->path());
  EXPECT_EQ(a->path().rfind(Path("temp-"), 0), 0u);
  EXPECT_EQ(a->path().size(), Path("temp-").size() + 16 + 4);  // 64 random bits in hex
  struct stat st;
  ASSERT_EQ(fstat(a->fd(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(SafeFileTest, CommitRenamesAndAbandonRemoves) {
  {
    StatusOr<TempFile> t = TempFile::Create(Path("f"), "f.tmp-", "");
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(t->WriteAll("hello"));
    ASSERT_TRUE(t->Commit(Path("f")).ok());
  }
  EXPECT_EQ(Read(Path("f")), "hello");
  {
    StatusOr<TempFile> t = TempFile::Create(Path("g"), "g.tmp-", "");
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(t->WriteAll("half"));
  }  // destroyed without Commit
  EXPECT_EQ(Names(), std::set<std::string>{"f"});
}

TEST_F(SafeFileTest, WriteFileAtomicallyReplacesASymlinkInsteadOfFollowingIt) {
  const std::string victim = Path("victim");
  std::ofstream(victim) << "keep";
  ASSERT_EQ(symlink(victim.c_str(), Path("target").c_str()), 0);
  ASSERT_TRUE(WriteFileAtomically(Path("target"), "new").ok());
  EXPECT_EQ(Read(victim), "keep");
  struct stat st;
  ASSERT_EQ(lstat(Path("target").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(Read(Path("target")), "new");
}

TEST_F(SafeFileTest, OpenForAppendRefusesSymlinksDevicesAndOtherUsersFiles) {
  ASSERT_EQ(symlink("/dev/null", Path("link").c_str()), 0);
  EXPECT_FALSE(OpenForAppend(Path("link")).ok());
  StatusOr<int> dev = OpenForAppend("/dev/null");
  ASSERT_FALSE(dev.ok());
  EXPECT_NE(dev.status().message().find("not a regular file"), std::string::npos);
  StatusOr<int> fd = OpenForAppend(Path("log"));
  ASSERT_TRUE(fd.ok());
  close(*fd);
  struct stat st;
  ASSERT_EQ(stat(Path("log").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  if (geteuid() == 0) {
    ASSERT_EQ(chown(Path("log").c_str(), 65534, 65534), 0);
    StatusOr<int> theirs = OpenForAppend(Path("log"));
    ASSERT_FALSE(theirs.ok());
    EXPECT_NE(theirs.status().message().find("owned by uid 65534"), std::string::npos);
  }
}

TEST_F(SafeFileTest, CheckPrivateDirRefusesGroupOrOtherWrite) {
  chmod(dir_.c_str(), 0700);
  EXPECT_TRUE(CheckPrivateDir(dir_).ok());
  chmod(dir_.c_str(), 0750);
  EXPECT_TRUE(CheckPrivateDir(dir_).ok());
  for (mode_t m : {0770, 0702, 01777}) {
    chmod(dir_.c_str(), m);
    EXPECT_FALSE(CheckPrivateDir(dir_).ok()) << m;
  }
  chmod(dir_.c_str(), 0700);
}

}  // namespace
}  // namespace redoubt::util
