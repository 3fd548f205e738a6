// SPDX-License-Identifier: Apache-2.0
#include "capture/dpdk/dpdk_placement.h"

#include <pthread.h>
#include <rte_lcore.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cutpoint::capture {
namespace {

// Whether this thread registered itself (Leave() unregisters only then).
thread_local bool registered_here = false;

std::vector<unsigned> CpusOf(const rte_cpuset_t& set) {
  std::vector<unsigned> cpus;
  for (unsigned cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

}  // namespace

void DpdkPlacement::Enter(SessionThread role, int index) {
  report::DpdkThreadStats placed;
  placed.role = role == SessionThread::kSender ? "sender" : "capture";
  placed.index = index;
  const bool known_sender = role == SessionThread::kSender && index >= 0 &&
                            static_cast<size_t>(index) < layout_.sender_lcores.size();
  placed.lcore =
      known_sender ? layout_.sender_lcores[static_cast<size_t>(index)] : layout_.capture_lcore;
  // An EAL lcore's CPU set: -l N puts lcore N on CPU N, --lcores may say otherwise.
  rte_cpuset_t cpus = rte_lcore_cpuset(placed.lcore);
  placed.cpus = FormatCpuList(CpusOf(cpus));
  placed.pinned =
      CPU_COUNT(&cpus) > 0 && pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus) == 0;
  // After the pinning: the EAL records the thread's affinity with its new lcore id.
  registered_here = rte_thread_register() == 0;
  placed.registered = registered_here;
  std::lock_guard<std::mutex> lock(mu_);
  auto same = std::find_if(threads_.begin(), threads_.end(), [&](const auto& t) {
    return t.role == placed.role && t.index == placed.index;
  });
  if (same != threads_.end()) {
    *same = placed;
  } else {
    threads_.push_back(placed);
  }
}

void DpdkPlacement::Leave() {
  if (!registered_here) return;
  rte_thread_unregister();
  registered_here = false;
}

std::vector<report::DpdkThreadStats> DpdkPlacement::Threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<report::DpdkThreadStats> sorted = threads_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.role != "sender", a.index) <
           std::make_pair(b.role != "sender", b.index);
  });
  return sorted;
}

}  // namespace cutpoint::capture
