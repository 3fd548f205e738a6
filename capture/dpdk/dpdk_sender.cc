// SPDX-License-Identifier: Apache-2.0
#include "capture/dpdk/dpdk_sender.h"

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>
#include <cstring>

#include "capture/send/ethernet_limits.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {
namespace {

// The offset from an mbuf of `pool` to its frame when the pool lays out its data rooms
// as rte_pktmbuf_init does (right after the header and private area; one mbuf checked),
// else 0: the sender then reads each mbuf's buf_addr.
size_t FixedFrameOffset(rte_mempool* pool) {
  const size_t data_room = sizeof(rte_mbuf) + rte_pktmbuf_priv_size(pool);
  rte_mbuf* sample = rte_pktmbuf_alloc(pool);
  if (sample == nullptr) return 0;
  const bool fixed =
      static_cast<uint8_t*>(sample->buf_addr) == reinterpret_cast<uint8_t*>(sample) + data_room;
  rte_pktmbuf_free(sample);
  return fixed ? data_room + RTE_PKTMBUF_HEADROOM : 0;
}

}  // namespace

DpdkSender::DpdkSender(DpdkPort& port, uint16_t queue)
    : port_(port),
      queue_(queue),
      burst_(port.burst_size()),
      limits_(FramedLimits(port.framing(), port.max_packet_len())),
      frame_offset_(FixedFrameOffset(port.mempool())) {
  for (size_t slot = 0; slot < 2; ++slot) framed_[slot] = port.framing().frames(slot);
}

uint16_t DpdkSender::Transmit(rte_mbuf** mbufs, uint16_t n) {
  uint16_t sent = rte_eth_tx_burst(port_.port_id(), queue_, mbufs, n);
  ++counters_.bursts;
  counters_.frames_sent += sent;
  if (sent < n) {
    counters_.tx_full += n - sent;
    rte_pktmbuf_free_bulk(mbufs + sent, n - sent);
  }
  return sent;
}

uint16_t DpdkSender::TransmitBursts(rte_mbuf** mbufs, uint16_t n) {
  uint16_t sent = 0;
  while (sent < n) {
    const auto chunk = static_cast<uint16_t>(std::min<size_t>(n - sent, burst_));
    const uint16_t taken = Transmit(mbufs + sent, chunk);
    sent += taken;
    if (taken < chunk) {
      const uint16_t attempted = sent + (chunk - taken);  // the untaken are freed already
      if (attempted < n) rte_pktmbuf_free_bulk(mbufs + attempted, n - attempted);
      break;
    }
  }
  return sent;
}

BurstResult DpdkSender::SendBurst(std::span<const OutgoingPacket> packets) {
  BurstResult result;
  rte_mbuf* mbufs[kDpdkMaxBurst];
  const wire::EthernetFraming& framing = port_.framing();
  size_t next = 0;
  while (next < packets.size()) {
    size_t chunk = std::min<size_t>(packets.size() - next, burst_);
    // One mbuf per packet that passes the checks.
    uint16_t valid = 0;
    for (size_t i = 0; i < chunk; ++i) valid += IsSendableIp(packets[next + i], limits_);
    if (valid > 0 && rte_pktmbuf_alloc_bulk(port_.mempool(), mbufs, valid) != 0) {
      ++counters_.alloc_failures;
      break;  // pool empty (frames still in flight): nothing of this chunk attempted
    }
    uint16_t n = 0;
    size_t failed_before[kDpdkMaxBurst + 1];  // rejected packets before mbuf k
    size_t failed = 0;
    for (size_t i = 0; i < chunk; ++i) {
      const OutgoingPacket& p = packets[next + i];
      if (!IsSendableIp(p, limits_)) {
        ++counters_.rejected;
        ++failed;
        continue;
      }
      rte_mbuf* m = mbufs[n];
      uint8_t* out = rte_pktmbuf_mtod(m, uint8_t*);
      memcpy(out, framing.HeaderFor(p.data).data(), wire::kEthernetHeaderLen);
      memcpy(out + wire::kEthernetHeaderLen, p.data, p.len);
      m->data_len = static_cast<uint16_t>(wire::kEthernetHeaderLen + p.len);
      m->pkt_len = m->data_len;
      failed_before[n] = failed;
      ++n;
    }
    uint16_t sent = n > 0 ? Transmit(mbufs, n) : 0;
    if (sent == n) {
      result.sent += n;
      result.failed += failed;
      next += chunk;
      continue;
    }
    // The driver stopped at mbuf `sent`: consumed are the packets before it.
    result.sent += sent;
    result.failed += failed_before[sent];
    break;
  }
  return result;
}

uint16_t DpdkSender::DropUnframed(rte_mbuf** mbufs, const probe::ProbeSpec* specs, uint16_t n,
                                  uint16_t* origin) {
  uint16_t kept = 0;
  for (uint16_t i = 0; i < n; ++i) {
    if (!framed_[specs[i].target.is_v4() ? 0 : 1]) {  // no next hop: a set-up error
      ++counters_.rejected;
      rte_pktmbuf_free(mbufs[i]);
      continue;
    }
    mbufs[kept] = mbufs[i];
    origin[kept++] = i;
  }
  origin[kept] = n;
  return kept;
}

size_t DpdkSender::SendProbes(const probe::ProbeBuilder& builder,
                              std::span<const probe::ProbeSpec> specs, int64_t send_us) {
  // An IPv6 SYN probe and its Ethernet header fit the first two cache lines of the data.
  static_assert(wire::kEthernetHeaderLen + probe::kMaxProbeLen <= 128);
  rte_mbuf* mbufs[kDpdkMaxBurst];
  uint8_t* frames[kDpdkMaxBurst];
  uint16_t lens[kDpdkMaxBurst];
  rte_mempool* pool = port_.mempool();
  const unsigned framed_families = (framed_[0] ? 1u : 0u) | (framed_[1] ? 2u : 0u);
  // Frames are built kBuildBlock at a time, whatever the burst size: the builder groups a
  // mixed block's SYNs and echoes in eights, and a 32-frame burst (the default) would leave
  // twice as many partial groups.
  constexpr size_t kBuildBlock = 64;
  const size_t block = std::max<size_t>(burst_, kBuildBlock);
  static_assert(kBuildBlock <= kDpdkMaxBurst);
  size_t done = 0;
  while (done < specs.size()) {
    uint16_t n = static_cast<uint16_t>(std::min<size_t>(specs.size() - done, block));
    // Raw mbufs: a pool's free mbufs always have refcnt 1, nb_segs 1 and no next segment
    // (rte_pktmbuf_free restores them), so only the first cache line's fields a TX driver
    // reads are set (below); rte_pktmbuf_alloc_bulk would also reset the second line.
    if (rte_mempool_get_bulk(pool, reinterpret_cast<void**>(mbufs), n) != 0) {
      ++counters_.alloc_failures;
      break;
    }
    const probe::ProbeSpec* chunk = specs.data() + done;
    // A pktmbuf's data room sits at a fixed offset from its header (rte_pktmbuf_init), so
    // the frame's address needs no load of buf_addr (FixedFrameOffset). No prefetching:
    // the lcore cache hands back the mbufs the driver freed last, still in L1.
    for (uint16_t i = 0; i < n; ++i) {
      frames[i] = frame_offset_ != 0
                      ? reinterpret_cast<uint8_t*>(mbufs[i]) + frame_offset_
                      : static_cast<uint8_t*>(mbufs[i]->buf_addr) + RTE_PKTMBUF_HEADROOM;
    }
    // The whole burst at once, Ethernet headers included: its AES blocks are computed
    // together.
    const unsigned families =
        builder.BuildFrames(specs.subspan(done, n), send_us, port_.framing(), frames, lens);
    // The first cache line's fields a TX driver reads.
    for (uint16_t i = 0; i < n; ++i) {
      rte_mbuf* m = mbufs[i];
      m->data_off = RTE_PKTMBUF_HEADROOM;
      m->ol_flags = 0;
      m->data_len = lens[i];
      m->pkt_len = lens[i];
    }
    if ((families & ~framed_families) == 0) {
      uint16_t sent = TransmitBursts(mbufs, n);
      done += sent;
      if (sent < n) break;
      continue;
    }
    // A family without a next hop (a set-up error): those mbufs are freed, not sent.
    uint16_t origin[kDpdkMaxBurst + 1];
    uint16_t kept = DropUnframed(mbufs, chunk, n, origin);
    uint16_t sent = kept > 0 ? TransmitBursts(mbufs, kept) : 0;
    done += origin[sent];
    if (sent < kept) break;
  }
  return done;
}

}  // namespace cutpoint::capture
