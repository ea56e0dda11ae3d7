// The sessions part of ServerState: the connected clients, their ids, the loop's per-turn
// work lists (writes to flush, clients to close) and CLIENT PAUSE.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "runtime/client.h"

namespace redoubt::commands {

struct Sessions {
  // Clients by id (CLIENT LIST order is by id).
  std::unordered_map<uint64_t, Client*> clients;
  std::vector<Client*> monitors;
  uint64_t next_client_id = 1;
  std::vector<Client*> pending_writes;   // clients with output to flush before the next poll
  std::vector<uint64_t> close_requests;  // ids of clients marked kCloseAsap by a command
  int64_t pause_end_ms = 0;              // CLIENT PAUSE
  bool pause_write_only = false;

  // Marks a client to be closed at the end of this loop turn (CLIENT KILL, deleted users...).
  void CloseAsap(Client* c) {
    if (!(c->flags & client_flag::kCloseAsap)) {
      c->flags |= client_flag::kCloseAsap;
      close_requests.push_back(c->id);
    }
  }
  void MarkPendingWrite(Client* c) {
    if (!(c->flags & client_flag::kPendingWrite)) {
      c->flags |= client_flag::kPendingWrite;
      pending_writes.push_back(c);
    }
  }
};

}  // namespace redoubt::commands
