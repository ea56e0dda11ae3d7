#include "security/init_setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "security/tls_material.h"
#include "util/crypto.h"

namespace redoubt::security {

namespace {

constexpr size_t kPasswordBytes = 32;  // 256 bits

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string ModeString(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

bool ParsePort(const std::string& s, int* out) {
  if (s.empty() || s.size() > 5) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 65535) return false;
  *out = v;
  return true;
}

// A config value as redis.conf's parser reads it back: bare when it has no space, quote or
// backslash, else double-quoted with those escaped.
std::string ConfigQuote(const std::string& v) {
  bool bare = !v.empty();
  for (char c : v) bare = bare && c > ' ' && c != '"' && c != '\'' && c != '\\' && c != 0x7f;
  if (bare) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Join(const std::string& dir, std::string_view name) {
  return dir + (dir.ends_with('/') ? "" : "/") + std::string(name);
}

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Opens (creating it 0700 if missing) the directory and checks that only the current user
// can add or replace files in it.
util::StatusOr<int> OpenInitDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    if (mkdir(dir.c_str(), 0700) != 0) return util::Status::Error(Errno("mkdir " + dir));
    fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  if (fd < 0) return util::Status::Error(Errno("open " + dir));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    close(fd);
    return util::Status::Error(Errno("stat " + dir));
  }
  std::string err;
  if (st.st_uid != geteuid()) {
    err = dir + " belongs to uid " + std::to_string(st.st_uid) + ", not to the user running " +
          "--init (uid " + std::to_string(geteuid()) + "); run --init as the server's user";
  } else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    err = dir + " is writable by group or others (mode " + ModeString(st.st_mode) +
          "): they could replace the ACL file; run chmod 700 " + dir + " first";
  }
  if (!err.empty()) {
    close(fd);
    return util::Status::Error("refusing to set up in " + err);
  }
  return fd;
}

util::Status WriteAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return util::Status::Error(Errno("write"));
    off += static_cast<size_t>(n);
  }
  return fsync(fd) == 0 ? util::Status::Ok() : util::Status::Error(Errno("fsync"));
}

using FileList = std::vector<std::pair<std::string, std::string>>;  // name, contents

// Creates every file or none: a failure part-way removes those already made.
util::Status CreateFiles(int dirfd, const std::string& dir, const FileList& files) {
  std::string existing;
  for (const auto& [name, _] : files) {
    struct stat st {};
    if (fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
      existing += (existing.empty() ? "" : ", ") + name;
    }
  }
  if (!existing.empty()) {
    return util::Status::Error(dir + " already has " + existing +
                               "; nothing was written (move them away or pick another directory)");
  }
  std::vector<std::string> made;
  util::Status st;
  for (const auto& [name, contents] : files) {
    int fd =
        openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      st = util::Status::Error(Errno("create " + Join(dir, name)));
      break;
    }
    made.push_back(name);
    st = WriteAll(fd, contents);
    if (close(fd) != 0 && st.ok()) st = util::Status::Error(Errno("close " + Join(dir, name)));
    if (!st.ok()) break;
  }
  if (st.ok() && fsync(dirfd) != 0) st = util::Status::Error(Errno("fsync " + dir));
  if (!st.ok()) {
    for (const std::string& name : made) unlinkat(dirfd, name.c_str(), 0);
  }
  return st;
}

util::StatusOr<FileList> TlsFiles(const InitOptions& o, const std::string& abs_dir) {
  TlsMaterialOptions tmo;
  tmo.extra_server_names = o.tls_sans;
  tmo.client_cn = std::string(kInitAdminUser);
  auto m = MakeTlsMaterial(tmo);
  if (!m.ok()) return m.status();
  std::string admin(kInitAdminUser);
  return FileList{{"ca.crt", std::move(m->ca_cert)},
                  {"ca.key", std::move(m->ca_key)},
                  {"server.crt", std::move(m->server_cert)},
                  {"server.key", std::move(m->server_key)},
                  {admin + ".crt", std::move(m->client_cert)},
                  {admin + ".key", std::move(m->client_key)},
                  {std::string(kInitTlsConf), InitTlsConfText(abs_dir, o.tls_port)}};
}

}  // namespace

util::StatusOr<InitOptions> ParseInitArgs(const std::vector<std::string>& args) {
  InitOptions o;
  bool have_dir = false;
  bool want_tls_options = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool takes_value = a == "--init" || a == "--tls-san" || a == "--port" || a == "--tls-port";
    if (takes_value && i + 1 >= args.size()) {
      return util::Status::Error(a + " needs a value");
    }
    if (a == "--init") {
      o.dir = args[++i];
      have_dir = !o.dir.empty();
    } else if (a == "--tls") {
      o.tls = true;
    } else if (a == "--tls-san") {
      o.tls_sans.push_back(args[++i]);
      want_tls_options = true;
    } else if (a == "--port" || a == "--tls-port") {
      if (!ParsePort(args[i + 1], a == "--port" ? &o.port : &o.tls_port)) {
        return util::Status::Error(a + " '" + args[i + 1] + "' is not a port (1-65535)");
      }
      want_tls_options = want_tls_options || a == "--tls-port";
      ++i;
    } else {
      return util::Status::Error("unknown argument '" + a + "' for --init");
    }
  }
  if (!have_dir) return util::Status::Error("--init needs a directory");
  if (want_tls_options && !o.tls) {
    return util::Status::Error("--tls-san and --tls-port need --tls");
  }
  return o;
}

std::string InitAclText(std::string_view password) {
  return "user default off\nuser " + std::string(kInitAdminUser) + " on #" +
         util::Sha256Hex(password) + " ~* &* +@all\n";
}

std::string InitTlsConfText(const std::string& dir, int tls_port) {
  std::string conf = Join(dir, kInitTlsConf);
  return "# Written by `redoubt-server --init --tls`. Use it with\n"
         "#   include " +
         ConfigQuote(conf) +
         "\n"
         "# in the main config, or add \"--include " +
         ConfigQuote(conf) +
         "\" to the server's command line.\n"
         "# The plain-text port is off; clients need a certificate signed by ca.crt, and one\n"
         "# whose CN names an ACL user (admin.crt: CN=admin) is logged in as that user.\n"
         "# tls-auth-clients-user is Redoubt only: Redis 7.0 does not know it.\n"
         "port 0\n"
         "tls-port " +
         std::to_string(tls_port) + "\ntls-cert-file " + ConfigQuote(Join(dir, "server.crt")) +
         "\ntls-key-file " + ConfigQuote(Join(dir, "server.key")) + "\ntls-ca-cert-file " +
         ConfigQuote(Join(dir, "ca.crt")) + "\ntls-auth-clients yes\ntls-auth-clients-user CN\n";
}

util::StatusOr<InitResult> RunInit(const InitOptions& o) {
  for (const std::string& n : o.tls_sans) {
    if (util::Status st = CheckServerName(n); !st.ok()) return st;
  }
  auto dirfd = OpenInitDir(o.dir);
  if (!dirfd.ok()) return dirfd.status();
  FdCloser closer(*dirfd);
  char resolved[PATH_MAX];
  if (realpath(o.dir.c_str(), resolved) == nullptr) {
    return util::Status::Error(Errno("realpath " + o.dir));
  }
  InitResult r{.dir = resolved, .password = util::RandomHex(kPasswordBytes)};
  FileList files = {{std::string(kInitAclFile), InitAclText(r.password)},
                    {std::string(kInitPasswordFile), r.password + "\n"}};
  if (o.tls) {
    auto tls = TlsFiles(o, r.dir);
    if (!tls.ok()) return tls.status();
    for (auto& f : *tls) files.push_back(std::move(f));
  }
  if (util::Status st = CreateFiles(closer.get(), r.dir, files); !st.ok()) return st;
  for (const auto& [name, _] : files) r.files.push_back(name);
  return r;
}

std::string InitReport(const InitOptions& o, const InitResult& r) {
  std::string out =
      "Redoubt is set up in " + r.dir +
      ":\n"
      "  users.acl       'user default off' and the user 'admin' with every right; the server\n"
      "                  keeps only the password's SHA-256\n"
      "  admin.password  the password in clear (mode 0600), for scripts: delete it once the\n"
      "                  password is kept somewhere safe, the server does not need it\n\n"
      "admin password (shown this once): " +
      r.password + "\n\nConnect with" +
      std::string(o.tls ? " (plain port; with tls.conf see below)" : "") +
      ":\n  redis-cli -u redis://admin:" + r.password + "@127.0.0.1:" + std::to_string(o.port) +
      "\n\nThe shipped redoubt.conf reads users.acl from its data dir (`dir`):\n"
      "  redoubt-server redoubt.conf --dir " +
      ConfigQuote(r.dir) + "\n";
  if (!o.tls) return out;
  std::string sans = "localhost, 127.0.0.1, ::1";
  for (const std::string& s : o.tls_sans) sans += ", " + s;
  std::string port = std::to_string(o.tls_port);
  return out +
         "\nTLS (keys mode 0600):\n"
         "  ca.crt, ca.key          a private CA\n"
         "  server.crt, server.key  the server's certificate, for " +
         sans +
         "\n"
         "  admin.crt, admin.key    a client certificate with CN=admin\n"
         "  tls.conf                plain port off, TLS on port " +
         port +
         ", client certificates required\n"
         "Start with it:\n  redoubt-server redoubt.conf --dir " +
         ConfigQuote(r.dir) + " --include " + ConfigQuote(Join(r.dir, kInitTlsConf)) +
         "\nThe certificate logs the client in as admin, no password needed:\n"
         "  redis-cli --tls --cacert " +
         ConfigQuote(Join(r.dir, "ca.crt")) + " --cert " + ConfigQuote(Join(r.dir, "admin.crt")) +
         " --key " + ConfigQuote(Join(r.dir, "admin.key")) + " -p " + port + "\n";
}

std::string MissingAclFileHint(const std::string& aclfile, const std::string& cwd) {
  std::string path = aclfile.starts_with('/') ? aclfile : Join(cwd, aclfile);
  size_t slash = path.rfind('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  std::string name = path.substr(slash + 1);
  std::string hint = "No ACL file " + path + " yet: 'redoubt-server --init " + ConfigQuote(dir) +
                     "' creates " + Join(dir, kInitAclFile) +
                     " with an admin user and prints its password";
  if (name != kInitAclFile) hint += " (then point aclfile at it)";
  return hint + ".";
}

}  // namespace redoubt::security
