// The event loop: readiness for file descriptors plus a periodic timer, on epoll or on
// io_uring (chosen at start-up). One loop turn waits, dispatches every completion or ready
// handler, then runs the before-sleep hook (flushing replies). On io_uring, plain sockets are
// completion-based streams: the ring receives into its own buffers and sends are queued and
// submitted together with the next wait, so a turn costs one system call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace redoubt::net {

class FdHandler {
 public:
  virtual ~FdHandler() = default;
  // `events` are EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits.
  virtual void OnEvent(uint32_t events) = 0;
};

// A connection served by completions (io_uring only).
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // Bytes received, valid only during the call.
  virtual void OnData(const char* data, size_t len) = 0;
  // The peer closed (err 0) or receiving failed (err is an errno).
  virtual void OnClosed(int err) = 0;
  // The last Send finished: every byte left (err 0) or it failed (err is an errno).
  virtual void OnSent(int err) = 0;
};

// A listener served by completions (io_uring only).
class AcceptHandler {
 public:
  virtual ~AcceptHandler() = default;
  // A new connection (non-blocking, close-on-exec), or fd -1 and err on a failed accept.
  virtual void OnAccept(int fd, int err) = 0;
};

class EventLoop {
 public:
  // "auto" (io_uring when the kernel grants it, else epoll), "io_uring" or "epoll". nullptr
  // when the choice cannot be had; `note` says why io_uring was not used (empty otherwise).
  static std::unique_ptr<EventLoop> Create(std::string_view choice, std::string* note);
  // The kind the process's last created loop is ("epoll" before any): INFO server shows it.
  static const char* InUse() { return in_use_; }

  EventLoop() = default;
  virtual ~EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // "epoll" or "io_uring" (INFO's multiplexing_api and event_loop).
  virtual const char* name() const = 0;

  // Readiness (level-triggered), for every kind of descriptor.
  virtual bool Add(int fd, bool readable, bool writable, FdHandler* handler) = 0;
  virtual bool Modify(int fd, bool readable, bool writable, FdHandler* handler) = 0;
  virtual void Remove(int fd) = 0;

  // Completion-based streams and listeners, when SupportsStreams().
  virtual bool SupportsStreams() const { return false; }
  // Starts receiving on a connected socket; 0 on failure, else a handle for the calls below.
  virtual uint64_t AddStream(int /*fd*/, StreamHandler* /*handler*/) { return 0; }
  // Whether a Send has not finished yet (a stream has one send in flight at a time).
  virtual bool Sending(uint64_t /*stream*/) const { return false; }
  // Takes data's bytes (swapping in an empty buffer) and queues them; submitted with the next
  // wait. OnSent follows once every byte left.
  virtual void Send(uint64_t /*stream*/, std::string* /*data*/) {}
  // Stops the stream: no more callbacks. The loop closes fd once its send in flight has left
  // (with what the socket takes now: a send the peer does not read is cancelled).
  virtual void RemoveStream(uint64_t /*stream*/) {}
  // Stops receiving into the stream (its peer then sees TCP backpressure) and starts again.
  virtual void PauseReceive(uint64_t /*stream*/) {}
  virtual void ResumeReceive(uint64_t /*stream*/) {}
  virtual bool AddAcceptor(int /*fd*/, AcceptHandler* /*handler*/) { return false; }
  // Submits queued sends and waits (at most timeout_ms) for them to leave (at shutdown).
  virtual void DrainSends(int /*timeout_ms*/) {}

  // Runs until Stop(): calls `before_sleep` before each wait and `tick` every period_ms.
  void Run();
  // Dispatches the events ready now without waiting and without the tick (used to keep
  // serving clients, with LOADING replies, while the dataset loads).
  void PollOnce() { Wait(0); }
  void Stop() { stop_ = true; }
  void SetBeforeSleep(std::function<void()> fn) { before_sleep_ = std::move(fn); }
  // While it returns true the loop polls without sleeping (input is waiting to be served).
  void SetPendingWork(std::function<bool()> fn) { pending_work_ = std::move(fn); }
  void SetTickPeriod(int period_ms) { tick_period_ms_ = period_ms; }
  void SetTick(int period_ms, std::function<void()> fn) {
    tick_period_ms_ = period_ms;
    tick_ = std::move(fn);
  }

 protected:
  // Waits up to timeout_ms for events and dispatches them; false on a fatal error.
  virtual bool Wait(int timeout_ms) = 0;

 private:
  static inline const char* in_use_ = "epoll";
  bool stop_ = false;
  int tick_period_ms_ = 100;
  std::function<void()> before_sleep_;
  std::function<bool()> pending_work_;
  std::function<void()> tick_;
};

// The epoll loop: readiness only (streams are not supported; the server reads and writes).
class EpollLoop : public EventLoop {
 public:
  EpollLoop();
  ~EpollLoop() override;
  bool ok() const { return epfd_ >= 0; }
  const char* name() const override { return "epoll"; }
  bool Add(int fd, bool readable, bool writable, FdHandler* handler) override;
  bool Modify(int fd, bool readable, bool writable, FdHandler* handler) override;
  void Remove(int fd) override;

 protected:
  bool Wait(int timeout_ms) override;

 private:
  int epfd_;
};

}  // namespace redoubt::net
