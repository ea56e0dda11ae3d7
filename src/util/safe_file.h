// Every file the server writes goes through here: new files are made under an unpredictable
// name with O_CREAT|O_EXCL|O_NOFOLLOW, given 0600 before the first byte, fsynced and renamed
// into place; append-only files (logs) are opened without following a symlink and refused
// unless they are regular files owned by the server's user. A planted symlink or pre-created
// file in the directory can then neither redirect a write nor hand the result to another user.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "util/status.h"

namespace redoubt::util {

// A file being written under a temporary name beside its final path.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  ~TempFile();  // removes the temporary file unless committed

  // Creates `<dir of final_path>/<prefix><random hex><suffix>`, mode 0600, exclusively.
  static StatusOr<TempFile> Create(const std::string& final_path, std::string_view prefix,
                                   std::string_view suffix);

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  // Writes all of `data`; returns false with errno set on failure.
  bool WriteAll(std::string_view data);
  // fsync (when `sync`), chmod to `mode`, close, rename over `final_path`, fsync the directory.
  Status Commit(const std::string& final_path, bool sync = true, mode_t mode = 0600);
  // Closes and removes the temporary file.
  void Abandon();
  // Closes this process's descriptor and gives up ownership: the file stays, and the caller
  // (the parent of a child that writes it) removes it by the returned path if the child fails.
  std::string Detach();

 private:
  int fd_ = -1;
  std::string path_;
};

// Writes `content` to `path` atomically through a TempFile named `<name>.tmp-<random>`.
Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode = 0600);

// Opens `path` for appending (created 0600 when missing) without following a symlink; refuses
// anything but a regular file owned by the effective user. Returns the fd or an error.
StatusOr<int> OpenForAppend(const std::string& path);

// The directory part of `path` ("." when it has none).
std::string DirOf(const std::string& path);

// An error when `dir` is writable by group or others (or cannot be inspected); the message says
// what to do.
Status CheckPrivateDir(const std::string& dir);

}  // namespace redoubt::util
