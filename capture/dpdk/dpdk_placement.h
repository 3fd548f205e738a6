// SPDX-License-Identifier: Apache-2.0
// The --tx dpdk ThreadPlacement: each session thread is pinned to the CPUs of its lcore
// in a DpdkThreadLayout and registered with the EAL (rte_thread_register), which gives it
// an lcore id of its own and so a per-lcore mempool cache; Leave() unregisters it, so
// sessions that start threads again (locate's rounds) do not use up lcore ids.
#ifndef CUTPOINT_CAPTURE_DPDK_DPDK_PLACEMENT_H_
#define CUTPOINT_CAPTURE_DPDK_DPDK_PLACEMENT_H_

#include <mutex>
#include <utility>
#include <vector>

#include "capture/dpdk/dpdk_layout.h"
#include "capture/thread_placement.h"
#include "engine/report/records.h"

namespace cutpoint::capture {

class DpdkPlacement final : public ThreadPlacement {
 public:
  explicit DpdkPlacement(DpdkThreadLayout layout) : layout_(std::move(layout)) {}

  void Enter(SessionThread role, int index) override;
  void Leave() override;

  const DpdkThreadLayout& layout() const { return layout_; }
  // Where each placed thread ran, last placement per (role, index), senders first.
  std::vector<report::DpdkThreadStats> Threads() const;

 private:
  DpdkThreadLayout layout_;
  mutable std::mutex mu_;
  std::vector<report::DpdkThreadStats> threads_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_DPDK_DPDK_PLACEMENT_H_
