// redoubt-server: parses the command line like redis-server, loads the configuration, binds,
// and runs the event loop until SIGTERM/SIGINT or SHUTDOWN.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands/audit_family.h"
#include "commands/families.h"
#include "config/config.h"
#include "runtime/acl.h"
#include "runtime/command_table.h"
#include "security/audit_check.h"
#include "security/hardening.h"
#include "security/init_setup.h"
#include "server/banner.h"
#include "server/sd_notify.h"
#include "server/server.h"
#include "util/cycle_clock.h"
#include "util/fd_limit.h"
#include "util/log.h"
#include "util/safe_file.h"
#include "util/siphash.h"

#ifndef REDOUBT_VERSION
#define REDOUBT_VERSION "0.0.0"
#endif

namespace {

using redoubt::util::LogLevel;

void PrintVersion() {
  std::printf("Redoubt server v=%s (Redis %s compatible) malloc=%s bits=64\n", REDOUBT_VERSION,
              std::string(redoubt::commands::kCompatVersion).c_str(),
#if defined(REDOUBT_HAVE_JEMALLOC)
              "jemalloc"
#else
              "libc"
#endif
  );
}

void PrintHelp() {
  std::fprintf(stderr,
               "Usage: ./redoubt-server [/path/to/redoubt.conf] [options] [-]\n"
               "       ./redoubt-server - (read config from stdin)\n"
               "       ./redoubt-server -v or --version\n"
               "       ./redoubt-server -h or --help\n"
               "       ./redoubt-server --test-config [/path/to/redoubt.conf] [options]\n"
               "       ./redoubt-server --audit [/path/to/redoubt.conf] [options] [--json]\n"
               "       ./redoubt-server --init DIR [--port N] [--tls [--tls-san NAME]... "
               "[--tls-port N]]\n"
               "                         (DIR/users.acl with an admin user and a generated\n"
               "                          password; --tls: a CA, certificates, DIR/tls.conf)\n\n"
               "Examples:\n"
               "       ./redoubt-server (run the server with secure defaults: loopback only,\n"
               "                         protected mode on)\n"
               "       ./redoubt-server /etc/redoubt/redoubt.conf\n"
               "       ./redoubt-server --port 7777\n"
               "       ./redoubt-server --port 7777 --save '' --bind \"127.0.0.1 ::1\"\n"
               "       ./redoubt-server /etc/myredis.conf --loglevel verbose\n");
}

void Daemonize() {
  if (fork() != 0) _exit(0);
  setsid();
  int fd = open("/dev/null", O_RDWR, 0);
  if (fd != -1) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
}

void WritePidFile(const std::string& path) {
  // Renamed into place: a symlink planted under the pid file's name is replaced, not followed.
  const std::string pid = std::to_string(static_cast<int>(getpid())) + "\n";
  if (auto st = redoubt::util::WriteFileAtomically(path, pid, 0644); !st.ok()) {
    LOG_WARNING("Failed to write PID file: %s", st.message().c_str());
  }
}

// --init DIR [--tls ...]: the first-start files; prints the admin password once.
int RunInitCommand(const std::vector<std::string>& args) {
  auto options = redoubt::security::ParseInitArgs(args);
  if (!options.ok()) {
    std::fprintf(stderr, "init: %s\n", options.status().message().c_str());
    PrintHelp();
    return 1;
  }
  auto result = redoubt::security::RunInit(*options);
  if (!result.ok()) {
    std::fprintf(stderr, "init: %s\n", result.status().message().c_str());
    return 1;
  }
  std::fputs(redoubt::security::InitReport(*options, *result).c_str(), stdout);
  return 0;
}

// A relative aclfile is read from the data dir: the server chdirs there before loading it,
// as Redis does (its `dir` directive changes directory as soon as it is read).
std::string AclFileFromHere(const redoubt::config::ServerConfig& cfg) {
  if (cfg.aclfile.empty() || cfg.aclfile[0] == '/') return cfg.aclfile;
  return cfg.dir + (cfg.dir.ends_with('/') ? "" : "/") + cfg.aclfile;
}

// After a failed ACL load (the working directory is the data dir): when the file is simply
// missing, say how to create it.
void PrintMissingAclFileHint(const redoubt::config::ServerConfig& cfg) {
  struct stat st {};
  if (cfg.aclfile.empty() || stat(cfg.aclfile.c_str(), &st) == 0 || errno != ENOENT) return;
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return;
  std::fprintf(stderr, "%s\n", redoubt::security::MissingAclFileHint(cfg.aclfile, cwd).c_str());
}

// --audit: the hardening checks on the configuration and the users it defines; exit 1 on FAIL.
int RunAudit(redoubt::config::Config& config, const std::string& config_file, bool json) {
  redoubt::config::ServerConfig& cfg = config.mutable_values();
  redoubt::util::LogInit(LogLevel::kWarning, "/dev/null");
  if (chdir(cfg.dir.c_str()) != 0) {
    std::fprintf(stderr, "audit: can't chdir to '%s': %s\n", cfg.dir.c_str(), std::strerror(errno));
    return 1;
  }
  redoubt::server::Server server(&config);
  redoubt::util::Status st = redoubt::commands::LoadAclAtStartup(server.state());
  if (!st.ok()) {
    std::fprintf(stderr, "audit: %s\n", st.message().c_str());
    PrintMissingAclFileHint(cfg);
    return 1;
  }
  redoubt::security::AuditInput in =
      redoubt::commands::BuildAuditInput(server.state(), config_file);
  auto findings = redoubt::security::RunAudit(in);
  std::fputs((json ? redoubt::security::FormatAuditJson(findings)
                   : redoubt::security::FormatAudit(findings))
                 .c_str(),
             stdout);
  return redoubt::security::AuditFailed(findings) ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--init") != args.end()) {
    umask(077);
    return RunInitCommand(args);
  }
  args.clear();
  bool test_config = false;
  bool audit = false;
  bool audit_json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-v" || a == "--version") {
      PrintVersion();
      return 0;
    }
    if (a == "-h" || a == "--help") {
      PrintHelp();
      return 1;  // as redis-server
    }
    if (a == "--test-config") {
      test_config = true;
      continue;
    }
    if (a == "--audit") {
      audit = true;
      continue;
    }
    if (a == "--json" && audit) {
      audit_json = true;
      continue;
    }
    args.push_back(std::move(a));
  }

  // Files we create (sockets, pid file, dumps) are private to the server's user by default.
  umask(077);
  redoubt::util::InitHashSeed();
  redoubt::util::CycleClock::Calibrate();
  redoubt::commands::RegisterAllFamilies();

  redoubt::config::Config config;
  redoubt::config::CommandLine cl = redoubt::config::Config::ParseCommandLine(args);
  redoubt::util::Status st = config.LoadCommandLine(cl);
  if (!st.ok()) {
    std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Redoubt %s) ***\n%s\n", REDOUBT_VERSION,
                 st.message().c_str());
    return 1;
  }
  redoubt::config::ServerConfig& cfg = config.mutable_values();
  if (!cfg.aclfile.empty()) {
    if (auto st = redoubt::security::CheckAclFileSafe(AclFileFromHere(cfg)); !st.ok()) {
      std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Redoubt %s) ***\n%s\n", REDOUBT_VERSION,
                   st.message().c_str());
      return 1;
    }
  }

  auto& table = redoubt::commands::CommandTable::Get();
  for (const auto& [name, new_name] : cfg.rename_commands) {
    std::string err;
    if (!table.Rename(name, new_name, &err)) {
      std::fprintf(stderr,
                   "\n*** FATAL CONFIG FILE ERROR (Redoubt %s) ***\nrename-command %s: %s\n",
                   REDOUBT_VERSION, name.c_str(), err.c_str());
      return 1;
    }
  }

  if (test_config) {
    std::printf("Configuration test passed (%s)\n", cl.config_file.empty()
                                                        ? "no config file, secure defaults"
                                                        : cl.config_file.c_str());
    return 0;
  }

  if (audit) return RunAudit(config, cl.config_file, audit_json);

  if (cfg.daemonize) Daemonize();
  redoubt::util::LogInit(static_cast<LogLevel>(cfg.loglevel), cfg.logfile);
  LOG_NOTICE("Redoubt is starting oO0OoO0OoO0Oo");
  LOG_NOTICE("Redoubt version=%s, bits=64, pid=%d, just started", REDOUBT_VERSION,
             static_cast<int>(getpid()));
  if (cl.config_file.empty()) {
    LOG_WARNING(
        "No config file specified, using the secure defaults: bind 127.0.0.1 ::1, protected "
        "mode on. Use './redoubt-server /path/to/redoubt.conf' to configure.");
  } else {
    LOG_NOTICE("Configuration loaded");
  }
  if (geteuid() == 0 && cfg.run_as_user.empty()) {
    LOG_WARNING(
        "WARNING: running as root without run-as-user. A compromise of this process would own "
        "the machine; set run-as-user to a dedicated account.");
  }
  // One descriptor per client plus a reserve, before any is opened (as Redis).
  redoubt::util::FdLimitResult fds = redoubt::util::AdjustOpenFilesLimit(cfg.maxclients);
  for (const std::string& n : fds.notices) LOG_NOTICE("%s", n.c_str());
  for (const std::string& w : fds.warnings) LOG_WARNING("%s", w.c_str());
  if (fds.fatal) return 1;
  cfg.maxclients = fds.maxclients;
  if (cfg.daemonize || !cfg.pidfile.empty()) {
    WritePidFile(cfg.pidfile.empty() ? "/var/run/redoubt_6379.pid" : cfg.pidfile);
  }

  // From here on the data dir is the working directory (as Redis), so files need no path.
  if (chdir(cfg.dir.c_str()) != 0) {
    LOG_WARNING("Can't chdir to '%s': %s", cfg.dir.c_str(), std::strerror(errno));
    return 1;
  }
  redoubt::server::Server server(&config);
  // Users: requirepass, then `user` lines or the aclfile (never both), as Redis loads them.
  st = redoubt::commands::LoadAclAtStartup(server.state());
  if (!st.ok()) {
    LOG_WARNING("%s", st.message().c_str());
    std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Redoubt %s) ***\n%s\n", REDOUBT_VERSION,
                 st.message().c_str());
    PrintMissingAclFileHint(cfg);
    return 1;
  }
  server.state().config_file = cl.config_file;
  server.state().redoubt_version = REDOUBT_VERSION;
  char exe[4096];
  ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (exe_len > 0) server.state().executable.assign(exe, static_cast<size_t>(exe_len));
  if (!server.Start()) return 1;
  // Ports are bound (possibly privileged ones): now give up root, before any client input.
  if (auto st = redoubt::security::DropPrivileges(cfg.run_as_user, cfg.run_as_group); !st.ok()) {
    LOG_WARNING("Cannot drop privileges: %s", st.message().c_str());
    return 1;
  }
  if (!cfg.run_as_user.empty()) {
    LOG_NOTICE("Running as user '%s' (uid %d)", cfg.run_as_user.c_str(),
               static_cast<int>(getuid()));
  }
  if (auto st = redoubt::security::CheckDataDirWritable(cfg.dir); !st.ok()) {
    LOG_WARNING("%s", st.message().c_str());
    return 1;
  }
  // Listeners bound, nothing loaded yet: where Redis shows its logo and "Server initialized".
  int shown_port = server.state().port != 0 ? server.state().port : server.state().tls.port;
  redoubt::server::ShowStartupBanner(cfg, REDOUBT_VERSION, shown_port);
  LOG_WARNING("Server initialized");
  for (const std::string& w : redoubt::security::PermissionWarnings(cl.config_file, cfg)) {
    LOG_WARNING("WARNING: %s", w.c_str());
  }
  if (!server.StartAof()) return 1;
  redoubt::server::InstallSignalHandlers(&server);
  if (!server.LoadDataset()) return 1;
  redoubt::server::SdNotify(cfg.supervised, "READY=1\nSTATUS=Ready to accept connections");
  server.Run();
  redoubt::server::SdNotify(cfg.supervised, "STOPPING=1");
  return 0;
}
