#include "net/event_loop.h"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

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

EventLoop::EventLoop() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {}

EventLoop::~EventLoop() {
  if (epfd_ >= 0) close(epfd_);
}

bool EventLoop::Add(int fd, bool readable, bool writable, FdHandler* handler) {
  epoll_event ev{};
  ev.events = Mask(readable, writable);
  ev.data.ptr = handler;
  return epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::Modify(int fd, bool readable, bool writable, FdHandler* handler) {
  epoll_event ev{};
  ev.events = Mask(readable, writable);
  ev.data.ptr = handler;
  return epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::Remove(int fd) { epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::PollOnce() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epfd_, events, kMaxEvents, 0);
  for (int i = 0; i < n; ++i) {
    static_cast<FdHandler*>(events[i].data.ptr)->OnEvent(events[i].events);
  }
}

void EventLoop::Run() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  int64_t next_tick = util::MonotonicMs() + tick_period_ms_;
  while (!stop_) {
    if (before_sleep_) before_sleep_();
    if (stop_) break;
    int64_t wait = next_tick - util::MonotonicMs();
    if (wait < 0) wait = 0;
    int n = epoll_wait(epfd_, events, kMaxEvents, static_cast<int>(wait));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      static_cast<FdHandler*>(events[i].data.ptr)->OnEvent(events[i].events);
    }
    int64_t now = util::MonotonicMs();
    if (now >= next_tick) {
      if (tick_) tick_();
      next_tick = now + tick_period_ms_;
    }
  }
}

}  // namespace redoubt::net
