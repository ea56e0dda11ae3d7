// The event loop: epoll readiness for file descriptors plus a periodic timer. One loop turn
// polls, dispatches every ready handler, then runs the before-sleep hook (flushing replies).
#pragma once

#include <cstdint>
#include <functional>

namespace redoubt::net {

class FdHandler {
 public:
  virtual ~FdHandler() = default;
  // `events` are EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits.
  virtual void OnEvent(uint32_t events) = 0;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  bool Add(int fd, bool readable, bool writable, FdHandler* handler);
  bool Modify(int fd, bool readable, bool writable, FdHandler* handler);
  void Remove(int fd);

  // Runs until Stop(): calls `before_sleep` before each poll and `tick` every period_ms.
  void Run();
  // Dispatches the events ready now without waiting and without the tick (used to keep
  // serving clients, with LOADING replies, while the dataset loads).
  void PollOnce();
  void Stop() { stop_ = true; }
  void SetBeforeSleep(std::function<void()> fn) { before_sleep_ = std::move(fn); }
  void SetTickPeriod(int period_ms) { tick_period_ms_ = period_ms; }
  void SetTick(int period_ms, std::function<void()> fn) {
    tick_period_ms_ = period_ms;
    tick_ = std::move(fn);
  }

 private:
  int epfd_;
  bool stop_ = false;
  int tick_period_ms_ = 100;
  std::function<void()> before_sleep_;
  std::function<void()> tick_;
};

}  // namespace redoubt::net
