#include "util/safe_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "util/crypto.h"

namespace redoubt::util {

namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

void SyncDir(const std::string& dir) {
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

TempFile::TempFile(TempFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {
  other.path_.clear();
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    Abandon();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempFile::~TempFile() { Abandon(); }

StatusOr<TempFile> TempFile::Create(const std::string& final_path, std::string_view prefix,
                                    std::string_view suffix) {
  const std::string dir = DirOf(final_path);
  int err = 0;
  // A collision with a random 64-bit name means someone planted it; retry a few times anyway.
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::string path = dir + "/" + std::string(prefix) + RandomHex(8) + std::string(suffix);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      err = errno;
      if (err == EEXIST) continue;
      break;
    }
    // The mode given to open() is filtered by the umask; make it exactly 0600 before any byte.
    if (::fchmod(fd, 0600) != 0) {
      err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      break;
    }
    TempFile t;
    t.fd_ = fd;
    t.path_ = std::move(path);
    return t;
  }
  return Status::Error("can't create a temporary file in '" + dir + "': " + ErrnoText(err));
}

bool TempFile::WriteAll(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Status TempFile::Commit(const std::string& final_path, bool sync, mode_t mode) {
  int err = 0;
  if (sync && ::fsync(fd_) != 0) err = errno;
  if (err == 0 && mode != 0600 && ::fchmod(fd_, mode) != 0) err = errno;
  if (::close(fd_) != 0 && err == 0) err = errno;
  fd_ = -1;
  if (err == 0 && ::rename(path_.c_str(), final_path.c_str()) != 0) err = errno;
  if (err != 0) {
    Abandon();
    return Status::Error(ErrnoText(err));
  }
  path_.clear();
  if (sync) SyncDir(DirOf(final_path));
  return Status::Ok();
}

void TempFile::Abandon() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
}

std::string TempFile::Detach() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  return std::exchange(path_, std::string());
}

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode) {
  const size_t slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  StatusOr<TempFile> t = TempFile::Create(path, base + ".tmp-", "");
  if (!t.ok()) return t.status();
  if (!t->WriteAll(content)) {
    const int err = errno;
    t->Abandon();
    return Status::Error(ErrnoText(err));
  }
  return t->Commit(path, true, mode);
}

StatusOr<int> OpenForAppend(const std::string& path) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) return Status::Error("can't open '" + path + "': " + ErrnoText(errno));
  struct stat st;
  std::string why;
  if (::fstat(fd, &st) != 0) {
    why = ErrnoText(errno);
  } else if (!S_ISREG(st.st_mode)) {
    why = "not a regular file";
  } else if (st.st_uid != ::geteuid()) {
    why = "owned by uid " + std::to_string(st.st_uid) + ", not by the server's user";
  }
  if (!why.empty()) {
    ::close(fd);
    return Status::Error("refusing to append to '" + path + "': " + why);
  }
  return fd;
}

Status CheckPrivateDir(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    return Status::Error("can't inspect directory '" + dir + "': " + ErrnoText(errno));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::Error("directory '" + dir + "' is writable by group or others (mode " + mode +
                         "): another user could plant files the server writes; run `chmod "
                         "go-w " +
                         dir + "` or use a private directory");
  }
  return Status::Ok();
}

}  // namespace redoubt::util
