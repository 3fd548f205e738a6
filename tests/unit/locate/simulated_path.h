// SPDX-License-Identifier: Apache-2.0
// Synthetic locate observations for simulations over many targets: a path of routers
// 198.18.(ttl-1).2 up to `distance`, then the target itself; the layout's kinds are the
// test (kind 0), a control port and ICMP echo (kind 2).
#ifndef CUTPOINT_TESTS_UNIT_LOCATE_SIMULATED_PATH_H_
#define CUTPOINT_TESTS_UNIT_LOCATE_SIMULATED_PATH_H_

#include <cstdint>

#include "engine/locate/observation_table.h"
#include "engine/match/reply_record.h"

namespace cutpoint::locate::simulated {

// The test (TCP 25), TCP 443 and ICMP echo over TTLs 1..ttl_max.
inline LocateLayout SimulatedLayout(int ttl_max) {
  LocateLayout layout;
  layout.ttl_min = 1;
  layout.ttl_max = ttl_max;
  layout.kinds = {{probe::ProbeType::kTcpSyn, 25},
                  {probe::ProbeType::kTcpSyn, 443},
                  {probe::ProbeType::kIcmpEcho, 0}};
  return layout;
}

// The answer to probe (`kind`, `ttl`, `attempt`) of `target` (IPv4, host order): time
// exceeded from the router at `ttl` short of `distance`, else the target's SYN-ACK or echo
// reply.
inline match::ReplyRecord SimulatedReply(const LocateLayout& layout, uint32_t target, int kind,
                                         int ttl, int attempt, int distance) {
  match::ReplyRecord r;
  r.target = wire::IpAddress::V4(target);
  r.probe_type = layout.kinds[static_cast<size_t>(kind)].type;
  r.port = layout.kinds[static_cast<size_t>(kind)].port;
  r.probe_ttl = static_cast<uint8_t>(ttl);
  r.attempt = static_cast<uint8_t>(attempt);
  const bool expired = ttl < distance;
  r.kind = expired                                                 ? match::ReplyKind::kTimeExceeded
           : layout.kinds[static_cast<size_t>(kind)].type == probe::ProbeType::kIcmpEcho
               ? match::ReplyKind::kEchoReply
               : match::ReplyKind::kSynAck;
  r.from = wire::IpAddress::V4(expired ? 0xc6120002 + (static_cast<uint32_t>(ttl - 1) << 8) : target);
  r.reply_ttl = 60;
  return r;
}

}  // namespace cutpoint::locate::simulated

#endif  // CUTPOINT_TESTS_UNIT_LOCATE_SIMULATED_PATH_H_
