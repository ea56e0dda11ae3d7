#include "net/uring_loop.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/clock.h"

namespace redoubt::net {

namespace {

constexpr unsigned kSqEntries = 4096;
constexpr unsigned kCqEntries = 16384;
// Received bytes land in one of these (copied out at once and the buffer given back), so the
// ring only runs dry when the kernel delivers more than kBufCount receives in one turn.
constexpr unsigned kBufCount = 128;
constexpr unsigned kBufSize = 16384;  // epoll's read chunk: the same requests per share
constexpr int kBufGroup = 0;
constexpr int kOpBits = 4;
constexpr size_t kMaxKeptSendBuffer = 64 * 1024;
constexpr int64_t kAcceptRetryMs = 100;

uint64_t UserData(uint64_t id, uint8_t op) { return (id << kOpBits) | op; }

// Multishot receive needs Linux 6.0 (provided buffer rings 5.19, multishot accept 5.19).
bool KernelAtLeast(int major, int minor) {
  utsname u{};
  if (uname(&u) != 0) return false;
  int ma = 0;
  int mi = 0;
  if (std::sscanf(u.release, "%d.%d", &ma, &mi) != 2) return false;
  return ma > major || (ma == major && mi >= minor);
}

}  // namespace

std::unique_ptr<UringLoop> UringLoop::Create(std::string* why) {
  std::unique_ptr<UringLoop> loop(new UringLoop());
  if (!loop->Init(why)) return nullptr;
  return loop;
}

bool UringLoop::Init(std::string* why) {
  if (!KernelAtLeast(6, 0)) {
    *why = "the kernel is older than 6.0 (no multishot receive)";
    return false;
  }
  io_uring_params p{};
  p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN;
  p.cq_entries = kCqEntries;
  int r = io_uring_queue_init_params(kSqEntries, &ring_, &p);
  if (r < 0) {
    *why = std::string("io_uring_setup failed: ") + std::strerror(-r);
    return false;
  }
  ring_ok_ = true;
  if (!(p.features & IORING_FEAT_EXT_ARG) || !(p.features & IORING_FEAT_NODROP)) {
    *why = "the kernel's io_uring lacks EXT_ARG or NODROP";
    return false;
  }
  size_t ring_bytes = kBufCount * sizeof(io_uring_buf);
  void* ring_mem =
      mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void* bufs = mmap(nullptr, size_t{kBufCount} * kBufSize, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ring_mem == MAP_FAILED || bufs == MAP_FAILED) {
    *why = "could not map the receive buffers";
    return false;
  }
  // A forked child (BGSAVE) must not share pages the kernel writes into for the parent.
  madvise(ring_mem, ring_bytes, MADV_DONTFORK);
  madvise(bufs, size_t{kBufCount} * kBufSize, MADV_DONTFORK);
  buf_ring_ = static_cast<io_uring_buf_ring*>(ring_mem);
  buf_mem_ = static_cast<char*>(bufs);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uintptr_t>(ring_mem);
  reg.ring_entries = kBufCount;
  reg.bgid = kBufGroup;
  r = io_uring_register_buf_ring(&ring_, &reg, 0);
  if (r < 0) {
    *why = std::string("provided buffer rings unavailable: ") + std::strerror(-r);
    return false;
  }
  io_uring_buf_ring_init(buf_ring_);
  for (unsigned i = 0; i < kBufCount; ++i) {
    io_uring_buf_ring_add(buf_ring_, buf_mem_ + size_t{i} * kBufSize, kBufSize,
                          static_cast<uint16_t>(i), io_uring_buf_ring_mask(kBufCount),
                          static_cast<int>(i));
  }
  io_uring_buf_ring_advance(buf_ring_, kBufCount);
  return true;
}

UringLoop::~UringLoop() {
  if (ring_ok_) io_uring_queue_exit(&ring_);
  if (buf_ring_ != nullptr) munmap(buf_ring_, kBufCount * sizeof(io_uring_buf));
  if (buf_mem_ != nullptr) munmap(buf_mem_, size_t{kBufCount} * kBufSize);
  for (auto& [id, s] : streams_) {
    if (s.handler == nullptr && s.fd >= 0) ::close(s.fd);  // removed, closing after a send
  }
}

io_uring_sqe* UringLoop::Sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {  // the queue is full: hand it to the kernel now
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

// ---- readiness: one-shot polls, re-armed after each event (level-triggered like epoll)

bool UringLoop::Add(int fd, bool readable, bool writable, FdHandler* handler) {
  if (watch_by_fd_.count(fd) != 0) return false;
  uint32_t mask = (readable ? POLLIN : 0) | (writable ? POLLOUT : 0);
  uint64_t id = next_id_++;
  Watch& w = watches_.emplace(id, Watch{.fd = fd, .mask = mask, .handler = handler}).first->second;
  watch_by_fd_[fd] = id;
  ArmPoll(id, w);
  return true;
}

bool UringLoop::Modify(int fd, bool readable, bool writable, FdHandler* handler) {
  auto it = watch_by_fd_.find(fd);
  if (it == watch_by_fd_.end()) return false;
  Watch& w = watches_.at(it->second);
  uint32_t mask = (readable ? POLLIN : 0) | (writable ? POLLOUT : 0);
  if (w.mask == mask && w.handler == handler) return true;
  Remove(fd);
  return Add(fd, readable, writable, handler);
}

void UringLoop::Remove(int fd) {
  if (auto it = watch_by_fd_.find(fd); it != watch_by_fd_.end()) {
    uint64_t id = it->second;
    if (watches_.at(id).armed) Cancel(id, kPoll);
    watches_.erase(id);
    watch_by_fd_.erase(it);
  }
  if (auto it = acceptor_by_fd_.find(fd); it != acceptor_by_fd_.end()) {
    uint64_t id = it->second;
    // The armed accept holds the socket until its cancel is submitted: stop it listening now,
    // so that its address can be bound again at once (CONFIG SET port/bind, TLS rebinds).
    ::shutdown(fd, SHUT_RDWR);
    if (acceptors_.at(id).armed) Cancel(id, kAccept);
    acceptors_.erase(id);
    acceptor_by_fd_.erase(it);
  }
}

void UringLoop::ArmPoll(uint64_t id, Watch& w) {
  if (w.mask == 0) return;
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_poll_add(sqe, w.fd, w.mask);
  io_uring_sqe_set_data64(sqe, UserData(id, kPoll));
  w.armed = true;
}

void UringLoop::Cancel(uint64_t id, Op op) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_cancel64(sqe, UserData(id, op), 0);
  io_uring_sqe_set_data64(sqe, UserData(0, kCancel));
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

void UringLoop::OnPoll(uint64_t id, const Completion& c) {
  auto it = watches_.find(id);
  if (it == watches_.end()) return;  // removed (or re-added under a new id) meanwhile
  it->second.armed = false;
  if (c.res == -ECANCELED) return;
  uint32_t events = c.res < 0 ? static_cast<uint32_t>(POLLERR) : static_cast<uint32_t>(c.res);
  FdHandler* h = it->second.handler;
  h->OnEvent(events);
  it = watches_.find(id);  // the handler may have removed it
  if (it != watches_.end() && !it->second.armed) ArmPoll(id, it->second);
}

// ---- streams: multishot receive into the buffer ring, one send in flight

uint64_t UringLoop::AddStream(int fd, StreamHandler* handler) {
  uint64_t id = next_id_++;
  Stream& s = streams_.emplace(id, Stream{.fd = fd, .handler = handler, .out = {}}).first->second;
  ArmRecv(id, s);
  return id;
}

void UringLoop::ArmRecv(uint64_t id, Stream& s) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_recv_multishot(sqe, s.fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufGroup;
  io_uring_sqe_set_data64(sqe, UserData(id, kRecv));
  s.receiving = true;
}

void UringLoop::RecycleBuffer(uint16_t bid) {
  io_uring_buf_ring_add(buf_ring_, buf_mem_ + size_t{bid} * kBufSize, kBufSize, bid,
                        io_uring_buf_ring_mask(kBufCount), 0);
  io_uring_buf_ring_advance(buf_ring_, 1);
}

void UringLoop::OnRecv(uint64_t id, const Completion& c) {
  auto it = streams_.find(id);
  if (c.flags & IORING_CQE_F_BUFFER) {
    auto bid = static_cast<uint16_t>(c.flags >> IORING_CQE_BUFFER_SHIFT);
    if (c.res > 0 && it != streams_.end() && it->second.handler != nullptr) {
      it->second.handler->OnData(buf_mem_ + size_t{bid} * kBufSize, static_cast<size_t>(c.res));
    }
    RecycleBuffer(bid);
  }
  it = streams_.find(id);  // OnData may have removed the stream (not freed: it still receives)
  if (it == streams_.end()) return;
  Stream& s = it->second;
  bool more = c.flags & IORING_CQE_F_MORE;
  if (!more) s.receiving = false;
  if (s.handler == nullptr) {
    MaybeFree(id);
    return;
  }
  if (c.res == 0) {
    s.handler->OnClosed(0);
  } else if (c.res < 0 && c.res != -ENOBUFS && c.res != -ECANCELED && c.res != -EAGAIN) {
    s.handler->OnClosed(-c.res);
  } else if (!more && !s.paused) {
    ArmRecv(id, s);  // out of buffers (they are back by the next submit), or ended early
  }
}

void UringLoop::PauseReceive(uint64_t stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.handler == nullptr || it->second.paused) return;
  it->second.paused = true;
  if (it->second.receiving) Cancel(stream, kRecv);
}

void UringLoop::ResumeReceive(uint64_t stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.handler == nullptr || !it->second.paused) return;
  it->second.paused = false;
  // Still receiving: the cancel's completion comes first, and re-arms it (no longer paused).
  if (!it->second.receiving) ArmRecv(stream, it->second);
}

bool UringLoop::Sending(uint64_t stream) const {
  auto it = streams_.find(stream);
  return it != streams_.end() && it->second.sending;
}

void UringLoop::Send(uint64_t stream, std::string* data) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.sending || data->empty()) return;
  Stream& s = it->second;
  s.out.swap(*data);
  data->clear();
  s.sent = 0;
  ArmSend(stream, s);
}

void UringLoop::ArmSend(uint64_t id, Stream& s) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_send(sqe, s.fd, s.out.data() + s.sent, s.out.size() - s.sent, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, UserData(id, kSend));
  s.sending = true;
}

void UringLoop::OnSend(uint64_t id, const Completion& c) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  Stream& s = it->second;
  if (c.res > 0 || c.res == -EAGAIN) {
    if (c.res > 0) s.sent += static_cast<size_t>(c.res);
    if (s.sent < s.out.size() && s.handler != nullptr) {
      ArmSend(id, s);  // the socket took part of it
      return;
    }
  }
  s.sending = false;
  if (s.out.capacity() > kMaxKeptSendBuffer) {
    std::string().swap(s.out);
  } else {
    s.out.clear();
  }
  if (s.handler == nullptr) {
    MaybeFree(id);
    return;
  }
  int err = c.res < 0 ? -c.res : (c.res == 0 ? EPIPE : 0);
  s.handler->OnSent(err);
}

void UringLoop::RemoveStream(uint64_t stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.handler == nullptr) return;
  Stream& s = it->second;
  s.handler = nullptr;
  if (s.receiving) Cancel(stream, kRecv);
  // A send queued this turn is issued before this cancel (requests go in order) and leaves
  // with what the socket takes at once, as a write before close would; one the peer does not
  // read (the socket full) is dropped rather than kept open for ever.
  if (s.sending) Cancel(stream, kSend);
  MaybeFree(stream);
}

void UringLoop::MaybeFree(uint64_t id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  Stream& s = it->second;
  if (s.handler != nullptr || s.sending) return;  // its last reply leaves before the close
  if (s.fd >= 0) {
    // Closed through the ring, after the requests queued for this descriptor: closed here at
    // once, its number could go to a connection accepted before those are submitted, and a
    // queued receive would then read the new connection's bytes.
    io_uring_sqe* sqe = Sqe();
    io_uring_prep_close(sqe, s.fd);
    io_uring_sqe_set_data64(sqe, UserData(0, kCancel));
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
    s.fd = -1;
  }
  if (!s.receiving) streams_.erase(it);
}

void UringLoop::DrainSends(int timeout_ms) {
  int64_t deadline = util::MonotonicMs() + timeout_ms;
  auto busy = [this] {
    for (auto& [id, s] : streams_) {
      if (s.sending) return true;
    }
    return false;
  };
  while (busy() && util::MonotonicMs() < deadline) Wait(10);
}

// ---- accept through the ring (multishot)

bool UringLoop::AddAcceptor(int fd, AcceptHandler* handler) {
  if (acceptor_by_fd_.count(fd) != 0) return false;
  uint64_t id = next_id_++;
  Acceptor& a = acceptors_.emplace(id, Acceptor{.fd = fd, .handler = handler}).first->second;
  acceptor_by_fd_[fd] = id;
  ArmAccept(id, a);
  return true;
}

void UringLoop::ArmAccept(uint64_t id, Acceptor& a) {
  io_uring_sqe* sqe = Sqe();
  io_uring_prep_multishot_accept(sqe, a.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, UserData(id, kAccept));
  a.armed = true;
}

void UringLoop::OnAccept(uint64_t id, const Completion& c) {
  auto it = acceptors_.find(id);
  if (it == acceptors_.end()) {
    if (c.res >= 0) ::close(c.res);  // the listener went meanwhile
    return;
  }
  bool more = c.flags & IORING_CQE_F_MORE;
  if (!more) it->second.armed = false;
  if (c.res == -ECANCELED) return;
  AcceptHandler* h = it->second.handler;
  if (c.res >= 0) {
    h->OnAccept(c.res, 0);
  } else {
    h->OnAccept(-1, -c.res);
  }
  it = acceptors_.find(id);
  if (it == acceptors_.end() || it->second.armed) return;
  if (c.res == -EMFILE || c.res == -ENFILE) {
    // Out of descriptors: try again a little later rather than spin.
    if (deferred_rearm_.empty()) deferred_since_ms_ = util::MonotonicMs();
    deferred_rearm_.push_back(id);
  } else {
    ArmAccept(id, it->second);
  }
}

void UringLoop::RearmDeferred() {
  if (deferred_rearm_.empty() || util::MonotonicMs() - deferred_since_ms_ < kAcceptRetryMs) return;
  std::vector<uint64_t> ids;
  ids.swap(deferred_rearm_);
  for (uint64_t id : ids) {
    auto it = acceptors_.find(id);
    if (it != acceptors_.end() && !it->second.armed) ArmAccept(id, it->second);
  }
}

// ---- the wait: one io_uring_enter submits the turn's requests and waits

void UringLoop::Dispatch(const Completion& c) {
  uint64_t id = c.user_data >> kOpBits;
  switch (static_cast<Op>(c.user_data & ((1u << kOpBits) - 1))) {
    case kPoll:
      OnPoll(id, c);
      break;
    case kRecv:
      OnRecv(id, c);
      break;
    case kSend:
      OnSend(id, c);
      break;
    case kAccept:
      OnAccept(id, c);
      break;
    case kCancel:
      break;
  }
}

bool UringLoop::Wait(int timeout_ms) {
  RearmDeferred();
  if (!deferred_rearm_.empty() && timeout_ms > static_cast<int>(kAcceptRetryMs)) {
    timeout_ms = static_cast<int>(kAcceptRetryMs);
  }
  if (ready_pos_ < ready_.size()) timeout_ms = 0;  // completions still to dispatch
  __kernel_timespec ts{};
  ts.tv_sec = timeout_ms / 1000;
  ts.tv_nsec = (timeout_ms % 1000) * 1000000LL;
  io_uring_cqe* first = nullptr;
  int r = io_uring_submit_and_wait_timeout(&ring_, &first, 1, &ts, nullptr);
  if (r < 0 && r != -ETIME && r != -EINTR && r != -EBUSY && r != -EAGAIN) return false;
  // Completions are copied out of the ring into ready_ and dispatched from there: a handler
  // may run the loop again (a busy script serving clients), and that nested turn must go on
  // with the completions this one has not dispatched yet, not skip them.
  constexpr unsigned kBatch = 256;
  io_uring_cqe* cqes[kBatch];
  for (int round = 0; round < 64; ++round) {
    if (ready_pos_ == ready_.size()) {
      ready_.clear();
      ready_pos_ = 0;
      unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, kBatch);
      if (n == 0) break;
      for (unsigned i = 0; i < n; ++i) {
        ready_.push_back(Completion{cqes[i]->user_data, cqes[i]->res, cqes[i]->flags});
      }
      io_uring_cq_advance(&ring_, n);
    }
    while (ready_pos_ < ready_.size()) {
      Completion c = ready_[ready_pos_++];
      Dispatch(c);
    }
  }
  return true;
}

}  // namespace redoubt::net
