#include "net/event_loop.h"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "net/uring_loop.h"
#include "util/clock.h"

namespace redoubt::net {

namespace {

uint32_t Mask(bool readable, bool writable) {
  uint32_t mask = 0;
  if (readable) mask |= EPOLLIN;
  if (writable) mask |= EPOLLOUT;
  return mask;
}

}  // namespace

std::unique_ptr<EventLoop> EventLoop::Create(std::string_view choice, std::string* note) {
  note->clear();
  if (choice != "epoll") {
    auto uring = UringLoop::Create(note);
    if (uring != nullptr) {
      in_use_ = uring->name();
      return uring;
    }
    if (choice == "io_uring") return nullptr;
  }
  auto epoll = std::make_unique<EpollLoop>();
  if (!epoll->ok()) return nullptr;
  in_use_ = epoll->name();
  return epoll;
}

void EventLoop::Run() {
  int64_t next_tick = util::MonotonicMs() + tick_period_ms_;
  while (!stop_) {
    if (before_sleep_) before_sleep_();
    if (stop_) break;
    int64_t wait = next_tick - util::MonotonicMs();
    if (wait < 0 || (pending_work_ && pending_work_())) wait = 0;
    if (!Wait(static_cast<int>(wait))) break;
    int64_t now = util::MonotonicMs();
    if (now >= next_tick) {
      if (tick_) tick_();
      next_tick = now + tick_period_ms_;
    }
  }
}

EpollLoop::EpollLoop() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {}

EpollLoop::~EpollLoop() {
  if (epfd_ >= 0) close(epfd_);
}

bool EpollLoop::Add(int fd, bool readable, bool writable, FdHandler* handler) {
  epoll_event ev{};
  ev.events = Mask(readable, writable);
  ev.data.ptr = handler;
  return epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EpollLoop::Modify(int fd, bool readable, bool writable, FdHandler* handler) {
  epoll_event ev{};
  ev.events = Mask(readable, writable);
  ev.data.ptr = handler;
  return epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EpollLoop::Remove(int fd) { epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr); }

bool EpollLoop::Wait(int timeout_ms) {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epfd_, events, kMaxEvents, timeout_ms);
  if (n < 0) return errno == EINTR;
  for (int i = 0; i < n; ++i) {
    static_cast<FdHandler*>(events[i].data.ptr)->OnEvent(events[i].events);
  }
  return true;
}

}  // namespace redoubt::net
