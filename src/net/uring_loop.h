// The io_uring event loop: multishot receive into a provided buffer ring, sends and accepts
// through the ring, and level-triggered readiness (one-shot polls re-armed after each event)
// for the descriptors that need it (TLS connections). Everything a turn queues is submitted
// by the one io_uring_enter that also waits.
#pragma once

#include <liburing.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/event_loop.h"

namespace redoubt::net {

class UringLoop : public EventLoop {
 public:
  // nullptr when io_uring (or a feature the loop needs) is unavailable; `why` says which.
  static std::unique_ptr<UringLoop> Create(std::string* why);
  ~UringLoop() override;

  const char* name() const override { return "io_uring"; }
  bool Add(int fd, bool readable, bool writable, FdHandler* handler) override;
  bool Modify(int fd, bool readable, bool writable, FdHandler* handler) override;
  void Remove(int fd) override;

  bool SupportsStreams() const override { return true; }
  uint64_t AddStream(int fd, StreamHandler* handler) override;
  bool Sending(uint64_t stream) const override;
  void Send(uint64_t stream, std::string* data) override;
  void RemoveStream(uint64_t stream) override;
  void PauseReceive(uint64_t stream) override;
  void ResumeReceive(uint64_t stream) override;
  bool AddAcceptor(int fd, AcceptHandler* handler) override;
  void DrainSends(int timeout_ms) override;

 protected:
  bool Wait(int timeout_ms) override;

 private:
  enum Op : uint8_t { kPoll = 1, kRecv, kSend, kAccept, kCancel };
  struct Watch {
    int fd;
    uint32_t mask;
    FdHandler* handler;
    bool armed = false;
  };
  struct Stream {
    int fd;
    StreamHandler* handler;  // nullptr once removed
    std::string out;         // the send in flight
    size_t sent = 0;
    bool sending = false;
    bool receiving = false;
    bool paused = false;  // PauseReceive: the receive is not re-armed
  };
  struct Acceptor {
    int fd;
    AcceptHandler* handler;
    bool armed = false;
  };
  struct Completion {
    uint64_t user_data;
    int32_t res;
    uint32_t flags;
  };

  UringLoop() = default;
  bool Init(std::string* why);
  io_uring_sqe* Sqe();
  void ArmPoll(uint64_t id, Watch& w);
  void ArmRecv(uint64_t id, Stream& s);
  void ArmSend(uint64_t id, Stream& s);
  void ArmAccept(uint64_t id, Acceptor& a);
  void Cancel(uint64_t id, Op op);
  void Dispatch(const Completion& c);
  void OnPoll(uint64_t id, const Completion& c);
  void OnRecv(uint64_t id, const Completion& c);
  void OnSend(uint64_t id, const Completion& c);
  void OnAccept(uint64_t id, const Completion& c);
  void RecycleBuffer(uint16_t bid);
  // Frees a removed stream once the kernel holds no request of it (closing its fd).
  void MaybeFree(uint64_t id);
  void RearmDeferred();

  io_uring ring_{};
  bool ring_ok_ = false;
  io_uring_buf_ring* buf_ring_ = nullptr;
  char* buf_mem_ = nullptr;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Watch> watches_;
  std::unordered_map<int, uint64_t> watch_by_fd_;
  std::unordered_map<uint64_t, Stream> streams_;
  std::unordered_map<uint64_t, Acceptor> acceptors_;
  std::unordered_map<int, uint64_t> acceptor_by_fd_;
  std::vector<Completion> ready_;  // copied out of the ring, dispatched from ready_pos_
  size_t ready_pos_ = 0;
  std::vector<uint64_t> deferred_rearm_;  // receives out of buffers, acceptors out of fds
  int64_t deferred_since_ms_ = 0;
};

}  // namespace redoubt::net
