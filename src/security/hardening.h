// Start-up hardening the process applies to itself: dropping root for run-as-user after the
// ports are bound, and permission checks on the files that hold secrets or data.
#pragma once

#include <string>
#include <vector>

#include "config/server_config.h"
#include "util/status.h"

namespace redoubt::security {

// Switches to run-as-user (and run-as-group, else the user's primary group): supplementary
// groups, gid, uid, in that order, then verifies that root cannot be regained. A no-op when
// `user` is empty. Must run after binding privileged ports and before serving clients.
util::Status DropPrivileges(const std::string& user, const std::string& group);

// The ids run-as-user / run-as-group name (the user's primary group unless a group is given).
util::Status ResolveRunAs(const std::string& user, const std::string& group, uid_t* uid,
                          gid_t* gid);

// Fails when the data directory (the current directory, named `dir` in the message) is not
// writable by the current user or is owned by another user.
util::Status CheckDataDirWritable(const std::string& dir);

// Refuses an ACL file that users other than its owner (and group) could rewrite.
util::Status CheckAclFileSafe(const std::string& path);

// Warnings (one line each) about files that others can read or write: the config file when
// it holds secrets, the ACL file, the data directory. Empty when all is tight.
std::vector<std::string> PermissionWarnings(const std::string& config_file,
                                            const config::ServerConfig& cfg);

}  // namespace redoubt::security
