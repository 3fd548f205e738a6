// SPDX-License-Identifier: Apache-2.0
// When an AF_XDP sender calls sendto() ("kicks") after posting frames on its TX ring.
// Pure and header-only so the policy is unit-tested without a socket.
//
// The socket is bound with XDP_USE_NEED_WAKEUP: the kernel sets XDP_RING_NEED_WAKEUP on
// the TX ring when it will not look at the ring unless woken. A zero-copy driver clears
// the flag while its NAPI loop polls the ring, so kicking then is a wasted syscall; copy
// mode (veth, generic XDP) transmits only inside sendto(), so there the flag stays set
// and every burst with frames still on the ring is kicked. A kick is also made when the
// completion ring has returned nothing for `stall_limit` decisions in a row while frames
// are in flight: some drivers only reap TX completions when woken, whatever the flag says.
#ifndef CUTPOINT_CAPTURE_SEND_XSK_KICK_H_
#define CUTPOINT_CAPTURE_SEND_XSK_KICK_H_

#include <cstdint>

namespace cutpoint::capture {

// What the sender sees at one decision point.
struct XskTxState {
  bool needs_wakeup = false;  // xsk_ring_prod__needs_wakeup() of the TX ring
  uint32_t tx_pending = 0;    // descriptors on the TX ring the kernel has not taken yet
  uint32_t in_flight = 0;     // frames posted whose chunk has not come back
  uint32_t completed = 0;     // chunks the completion ring returned since the last decision
};

enum class XskKick {
  kNone,    // leave the kernel alone
  kWakeup,  // the kernel asked for it and frames wait on the TX ring
  kStall,   // no completion for too long: wake the driver to reap them
};

class XskKickPolicy {
 public:
  // Decisions without a completion (and without a kick) before a stall kick. Small: a
  // stalled sender has no free chunk and retries every few microseconds.
  static constexpr uint32_t kDefaultStallLimit = 4;

  explicit XskKickPolicy(uint32_t stall_limit = kDefaultStallLimit)
      : stall_limit_(stall_limit == 0 ? 1 : stall_limit) {}

  XskKick Decide(const XskTxState& state) {
    if (state.in_flight == 0 || state.completed > 0) quiet_ = 0;
    if (state.in_flight == 0) return XskKick::kNone;  // nothing to send or to finish
    if (state.needs_wakeup && state.tx_pending > 0) {
      quiet_ = 0;
      return XskKick::kWakeup;
    }
    if (state.completed == 0 && ++quiet_ >= stall_limit_) {
      quiet_ = 0;
      return XskKick::kStall;
    }
    return XskKick::kNone;
  }

 private:
  uint32_t stall_limit_;
  uint32_t quiet_ = 0;  // decisions in a row without a completion or a kick
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_XSK_KICK_H_
