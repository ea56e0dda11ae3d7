#include "security/hardening.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/safe_file.h"

namespace redoubt::security {

namespace {

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::string ModeString(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

bool HasSecrets(const config::ServerConfig& cfg) {
  if (!cfg.requirepass.empty() || !cfg.masterauth.empty()) return true;
  for (const std::string& line : cfg.user_lines) {
    if (line.find(" >") != std::string::npos || line.find(" #") != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

util::Status ResolveRunAs(const std::string& user, const std::string& group, uid_t* uid,
                          gid_t* gid) {
  errno = 0;
  passwd* pw = getpwnam(user.c_str());
  if (pw == nullptr) return util::Status::Error("run-as-user: no such user '" + user + "'");
  *uid = pw->pw_uid;
  *gid = pw->pw_gid;
  if (!group.empty()) {
    struct group* gr = getgrnam(group.c_str());
    if (gr == nullptr) return util::Status::Error("run-as-group: no such group '" + group + "'");
    *gid = gr->gr_gid;
  }
  return util::Status::Ok();
}

util::Status DropPrivileges(const std::string& user, const std::string& group) {
  if (user.empty()) return util::Status::Ok();
  uid_t uid = 0;
  gid_t gid = 0;
  if (auto st = ResolveRunAs(user, group, &uid, &gid); !st.ok()) return st;
  if (geteuid() != 0) {
    if (geteuid() == uid && getegid() == gid) return util::Status::Ok();
    return util::Status::Error("run-as-user '" + user +
                               "' needs the server to be started as root (it is not)");
  }
  if (setgroups(1, &gid) != 0) return util::Status::Error(Errno("setgroups"));
  if (setgid(gid) != 0) return util::Status::Error(Errno("setgid"));
  if (setuid(uid) != 0) return util::Status::Error(Errno("setuid"));
  // Verify the drop is permanent: regaining root must fail.
  if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
    return util::Status::Error("privilege drop failed: root could be regained");
  }
  if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
    return util::Status::Error("privilege drop failed: ids did not change as expected");
  }
  return util::Status::Ok();
}

util::Status CheckDataDirWritable(const std::string& dir) {
  // The server has already chdir'ed into `dir`: checking "." also works when a parent of
  // `dir` is closed to run-as-user, which is fine for a server that never leaves it.
  struct stat st;
  std::string who = " by uid " + std::to_string(geteuid()) + " (check run-as-user and ownership)";
  if (stat(".", &st) != 0)
    return util::Status::Error("data dir " + dir + " is not accessible" + who);
  if (access(".", W_OK | X_OK) != 0) {
    return util::Status::Error("data dir " + dir + " is not writable" + who);
  }
  // Snapshots hold every key: a directory someone else owns could have the file swapped or
  // read behind the server's back.
  if (st.st_uid != geteuid()) {
    return util::Status::Error("data dir " + dir + " is owned by uid " + std::to_string(st.st_uid) +
                               ", not by the server's user" + who);
  }
  // Another user who can create entries here could plant a symlink or a file under a name the
  // server writes; refused, not merely warned about.
  if (auto mode_ok = util::CheckPrivateDir("."); !mode_ok.ok()) {
    return util::Status::Error("data dir " + dir + " is writable by group or others (mode " +
                               ModeString(st.st_mode) + "): another user could plant files the " +
                               "server writes; run chmod 750 " + dir);
  }
  return util::Status::Ok();
}

util::Status CheckAclFileSafe(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return util::Status::Ok();  // the loader reports it
  if (st.st_mode & S_IWOTH) {
    return util::Status::Error("refusing to load ACL file " + path +
                               ": it is writable by every user (mode " + ModeString(st.st_mode) +
                               "); run chmod 640 " + path);
  }
  return util::Status::Ok();
}

std::vector<std::string> PermissionWarnings(const std::string& config_file,
                                            const config::ServerConfig& cfg) {
  std::vector<std::string> out;
  struct stat st;
  if (!config_file.empty() && stat(config_file.c_str(), &st) == 0 && HasSecrets(cfg) &&
      (st.st_mode & S_IROTH)) {
    out.push_back("config file " + config_file + " holds passwords and is readable by every " +
                  "user (mode " + ModeString(st.st_mode) + "); run chmod 640 " + config_file);
  }
  if (!cfg.aclfile.empty() && stat(cfg.aclfile.c_str(), &st) == 0 &&
      (st.st_mode & (S_IROTH | S_IWGRP))) {
    out.push_back("ACL file " + cfg.aclfile + " is readable by others or group-writable (mode " +
                  ModeString(st.st_mode) + "); run chmod 640 " + cfg.aclfile);
  }
  if (stat(cfg.dir.c_str(), &st) == 0) {
    // Writable by group or others is refused at start-up (CheckDataDirWritable), not warned.
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0 && (st.st_mode & S_IROTH)) {
      out.push_back("data dir " + cfg.dir + " is readable by every user (mode " +
                    ModeString(st.st_mode) + "); run chmod 750 " + cfg.dir);
    }
  }
  return out;
}

}  // namespace redoubt::security
