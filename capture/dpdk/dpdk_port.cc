// SPDX-License-Identifier: Apache-2.0
#include "capture/dpdk/dpdk_port.h"

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/status_macros.h"
#include "engine/wire/protocol.h"

namespace cutpoint::capture {
namespace {

int64_t WallClockUs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000 + ts.tv_nsec / 1000;
}

std::string AvailablePorts() {
  std::vector<std::string> names;
  uint16_t id;
  RTE_ETH_FOREACH_DEV(id) {
    char name[RTE_ETH_NAME_MAX_LEN] = {};
    rte_eth_dev_get_name_by_port(id, name);
    names.push_back(absl::StrCat(id, "=", name));
  }
  if (names.empty()) return "no DPDK ports (no --vdev given, or no NIC bound to a DPDK driver)";
  return absl::StrCat("ports: ", absl::StrJoin(names, ", "));
}

absl::Status RteError(absl::string_view what, int ret) {
  int error = ret < 0 ? -ret : rte_errno;
  return absl::UnavailableError(absl::StrCat("DPDK ", what, ": ", rte_strerror(error)));
}

std::atomic<uint32_t> pool_counter{0};

// The arguments, before the EAL is touched.
absl::Status ValidateOptions(const DpdkOptions& options) {
  if (options.burst_size == 0 || options.burst_size > kDpdkMaxBurst) {
    return absl::InvalidArgumentError(
        absl::StrCat("DPDK burst size ", options.burst_size, " not in [1, ", kDpdkMaxBurst, "]"));
  }
  if (options.rx_queues == 0 || options.tx_queues == 0) {
    return absl::InvalidArgumentError("DPDK port needs at least one RX and one TX queue");
  }
  if (options.mempool_size < 2u * options.burst_size) {
    return absl::InvalidArgumentError(absl::StrCat("DPDK mempool of ", options.mempool_size,
                                                   " mbufs is too small for bursts of ",
                                                   options.burst_size));
  }
  return absl::OkStatus();
}

// The port named by options.device, else options.port_id.
absl::StatusOr<uint16_t> FindPort(const DpdkOptions& options) {
  uint16_t port = options.port_id;
  if (!options.device.empty() && rte_eth_dev_get_port_by_name(options.device.c_str(), &port) != 0) {
    return absl::NotFoundError(
        absl::StrCat("no DPDK port named '", options.device, "'; ", AvailablePorts()));
  }
  if (!rte_eth_dev_is_valid_port(port)) {
    return absl::NotFoundError(absl::StrCat("no DPDK port ", port, "; ", AvailablePorts()));
  }
  return port;
}

absl::Status CheckQueueCounts(uint16_t port, const char* name, const DpdkOptions& options) {
  rte_eth_dev_info info;
  if (int ret = rte_eth_dev_info_get(port, &info); ret != 0) {
    return RteError(absl::StrCat("info of port ", port), ret);
  }
  if (options.rx_queues > info.max_rx_queues || options.tx_queues > info.max_tx_queues) {
    return absl::InvalidArgumentError(absl::StrCat("DPDK port ", port, " (", name, ") has at most ",
                                                   info.max_rx_queues, " RX and ",
                                                   info.max_tx_queues, " TX queues"));
  }
  return absl::OkStatus();
}

struct Descriptors {
  uint16_t rx = 0;
  uint16_t tx = 0;
};

// Configures the queue counts; returns the descriptor counts adjusted to the device.
absl::StatusOr<Descriptors> ConfigurePort(uint16_t port, const std::string& name,
                                          const DpdkOptions& options) {
  rte_eth_conf conf;
  memset(&conf, 0, sizeof(conf));
  if (int ret = rte_eth_dev_configure(port, options.rx_queues, options.tx_queues, &conf);
      ret != 0) {
    return RteError(absl::StrCat("configure port ", port, " (", name, ")",
                                 ret == -EBUSY ? ": in use (started)" : ""),
                    ret);
  }
  Descriptors descriptors{options.rx_descriptors, options.tx_descriptors};
  if (int ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &descriptors.rx, &descriptors.tx);
      ret != 0) {
    return RteError("descriptor counts", ret);
  }
  return descriptors;
}

absl::StatusOr<rte_mempool*> CreatePool(uint16_t port, const DpdkOptions& options, int socket) {
  std::string pool_name = absl::StrCat("cutpoint", port, "_", pool_counter.fetch_add(1));
  uint32_t cache = std::min<uint32_t>(options.mempool_cache, RTE_MEMPOOL_CACHE_MAX_SIZE);
  cache = std::min(cache, options.mempool_size / 2);
  rte_mempool* pool = rte_pktmbuf_pool_create(pool_name.c_str(), options.mempool_size, cache, 0,
                                              RTE_MBUF_DEFAULT_BUF_SIZE, socket);
  if (pool == nullptr) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "DPDK mbuf pool of ", options.mempool_size, " mbufs: ", rte_strerror(rte_errno),
        " (raise -m in the EAL arguments or lower the pool size)"));
  }
  return pool;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DpdkPort>> DpdkPort::Create(const DpdkOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  RETURN_IF_ERROR(InitEal(options.eal_args));
  ASSIGN_OR_RETURN(uint16_t port, FindPort(options));
  char name[RTE_ETH_NAME_MAX_LEN] = {};
  rte_eth_dev_get_name_by_port(port, name);
  RETURN_IF_ERROR(CheckQueueCounts(port, name, options));

  std::unique_ptr<DpdkPort> self(new DpdkPort);
  self->port_id_ = port;
  self->device_name_ = name;
  self->rx_queues_ = options.rx_queues;
  self->tx_queues_ = options.tx_queues;
  self->burst_size_ = options.burst_size;
  self->mempool_size_ = options.mempool_size;
  self->held_.resize(options.rx_queues);
  RETURN_IF_ERROR(self->ConfigureAndStart(options));
  self->SetFraming(options);
  rte_eth_stats_reset(port);
  return self;
}

absl::Status DpdkPort::ConfigureAndStart(const DpdkOptions& options) {
  uint16_t port = port_id_;
  ASSIGN_OR_RETURN(Descriptors descriptors, ConfigurePort(port, device_name_, options));
  int socket = rte_eth_dev_socket_id(port);
  if (socket < 0) socket = static_cast<int>(rte_socket_id());
  ASSIGN_OR_RETURN(pool_, CreatePool(port, options, socket));
  for (uint16_t q = 0; q < options.rx_queues; ++q) {
    if (int ret = rte_eth_rx_queue_setup(port, q, descriptors.rx, static_cast<unsigned>(socket),
                                         nullptr, pool_);
        ret != 0) {
      return RteError(absl::StrCat("RX queue ", q, " of port ", port), ret);
    }
  }
  for (uint16_t q = 0; q < options.tx_queues; ++q) {
    if (int ret =
            rte_eth_tx_queue_setup(port, q, descriptors.tx, static_cast<unsigned>(socket), nullptr);
        ret != 0) {
      return RteError(absl::StrCat("TX queue ", q, " of port ", port), ret);
    }
  }
  if (int ret = rte_eth_dev_start(port); ret != 0) {
    return RteError(absl::StrCat("start port ", port, " (", device_name_, ")"), ret);
  }
  started_ = true;
  if (options.promiscuous) rte_eth_promiscuous_enable(port);  // -ENOTSUP is fine
  return absl::OkStatus();
}

void DpdkPort::SetFraming(const DpdkOptions& options) {
  if (options.source_mac) {
    source_mac_ = *options.source_mac;
  } else {
    rte_ether_addr addr;
    if (rte_eth_macaddr_get(port_id_, &addr) == 0) {
      std::copy(std::begin(addr.addr_bytes), std::end(addr.addr_bytes), source_mac_.begin());
    }
  }
  framing_ = wire::EthernetFraming(options.destination_macs, source_mac_);
  size_t room = rte_pktmbuf_data_room_size(pool_) - RTE_PKTMBUF_HEADROOM;
  size_t max_len = room - wire::kEthernetHeaderLen;
  uint16_t mtu = 0;
  if (rte_eth_dev_get_mtu(port_id_, &mtu) == 0 && mtu >= wire::kIpv4MinMtu) {
    max_len = std::min<size_t>(max_len, mtu);
  }
  max_packet_len_ = max_len;
}

DpdkPort::~DpdkPort() {
  for (uint16_t q = 0; q < held_.size(); ++q) FreeHeld(q);
  if (started_) rte_eth_dev_stop(port_id_);
  // The queues keep a pointer to the pool until they are set up again; stopped, they
  // hold no mbufs of it (drivers release RX ring mbufs on stop).
  if (pool_ != nullptr) rte_mempool_free(pool_);
}

void DpdkPort::FreeHeld(uint16_t queue) {
  std::vector<rte_mbuf*>& held = held_[queue];
  if (!held.empty()) {
    rte_pktmbuf_free_bulk(held.data(), static_cast<unsigned>(held.size()));
    held.clear();
  }
}

absl::StatusOr<int> DpdkPort::ReceiveBurst(std::span<DpdkFrame> frames, uint16_t queue) {
  if (queue >= rx_queues_) {
    return absl::InvalidArgumentError(absl::StrCat("DPDK RX queue ", queue, " of ", rx_queues_));
  }
  FreeHeld(queue);
  uint16_t want = static_cast<uint16_t>(std::min<size_t>(frames.size(), burst_size_));
  if (want == 0) return 0;
  std::vector<rte_mbuf*>& held = held_[queue];
  held.resize(want);
  uint16_t got = rte_eth_rx_burst(port_id_, queue, held.data(), want);
  held.resize(got);
  if (got == 0) return 0;
  int64_t now = WallClockUs();
  for (uint16_t i = 0; i < got; ++i) {
    const rte_mbuf* m = held[i];
    frames[i].data = rte_pktmbuf_mtod(m, const uint8_t*);
    frames[i].len = m->data_len;
    frames[i].wire_len = m->pkt_len;
    frames[i].time_us = now;
  }
  return static_cast<int>(got);
}

bool DpdkPort::TransmitFrame(std::span<const uint8_t> frame, uint16_t queue) {
  if (queue >= tx_queues_ || frame.empty()) return false;
  rte_mbuf* m = rte_pktmbuf_alloc(pool_);
  if (m == nullptr) return false;
  char* out =
      rte_pktmbuf_append(m, static_cast<uint16_t>(std::min<size_t>(frame.size(), UINT16_MAX)));
  if (out == nullptr || frame.size() > UINT16_MAX) {
    rte_pktmbuf_free(m);
    return false;
  }
  memcpy(out, frame.data(), frame.size());
  if (rte_eth_tx_burst(port_id_, queue, &m, 1) == 1) return true;
  rte_pktmbuf_free(m);
  return false;
}

void DpdkPort::SetDestinationMacs(const wire::NextHopMacs& destination_macs) {
  framing_ = wire::EthernetFraming(destination_macs, source_mac_);
}

absl::StatusOr<DpdkPortStats> DpdkPort::Stats() const {
  rte_eth_stats s;
  if (int ret = rte_eth_stats_get(port_id_, &s); ret != 0) return RteError("stats", ret);
  DpdkPortStats out;
  out.ipackets = s.ipackets;
  out.opackets = s.opackets;
  out.ibytes = s.ibytes;
  out.obytes = s.obytes;
  out.imissed = s.imissed;
  out.ierrors = s.ierrors;
  out.oerrors = s.oerrors;
  out.rx_nombuf = s.rx_nombuf;
  return out;
}

absl::Status DpdkPort::ResetStats() {
  if (int ret = rte_eth_stats_reset(port_id_); ret != 0) return RteError("stats reset", ret);
  return absl::OkStatus();
}

uint32_t DpdkPort::mbufs_available() const {
  return pool_ == nullptr ? 0 : rte_mempool_avail_count(pool_);
}

}  // namespace cutpoint::capture
