// SPDX-License-Identifier: Apache-2.0
// cutpoint-dpdk-bench: unique keyed TCP SYN probes built straight into mbufs by
// ProbeBuilder and sent through DpdkSender, one TX queue per lcore, for a fixed time.
// Prints one line of key=value figures (bench/dpdk_vs_testpmd.sh parses it).
//
//   cutpoint-dpdk-bench [--eal "EAL ARGS"] [--lcores N] [--seconds S] [--burst B]
// Default EAL arguments: "--no-huge --no-pci -m 512 --vdev net_null0"; "-l 0-(N-1)" is
// added unless the EAL arguments pick lcores themselves.
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capture/dpdk/dpdk_port.h"
#include "capture/dpdk/dpdk_sender.h"
#include "engine/probe/probe_builder.h"
#include "tests/support/fixed_key.h"

namespace {

using cutpoint::capture::DpdkPort;
using cutpoint::capture::DpdkSender;
namespace probe = cutpoint::probe;

struct Worker {
  DpdkPort* port = nullptr;
  const probe::ProbeCodec* codec = nullptr;
  uint16_t queue = 0;
  uint16_t lcores = 1;
  uint16_t burst = 32;
  uint64_t end_tsc = 0;
  // Results.
  uint64_t sent = 0;
  uint64_t cycles = 0;
  uint64_t tx_full = 0;
  uint64_t alloc_failures = 0;
  char pad[64];
};

int64_t NowUs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000 + ts.tv_nsec / 1000;
}

int Run(void* arg) {
  Worker& w = *static_cast<Worker*>(arg);
  probe::ProbeBuilder builder(*w.codec, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(0xc0000201), std::nullopt});  // 192.0.2.1
  DpdkSender sender(*w.port, w.queue);
  std::vector<probe::ProbeSpec> specs(w.burst);
  uint64_t index = w.queue;  // probe i*lcores + queue: every probe unique across lcores
  uint64_t start = rte_rdtsc();
  while (rte_rdtsc() < w.end_tsc) {
    for (uint16_t i = 0; i < w.burst; ++i, index += w.lcores) {
      probe::ProbeSpec& s = specs[i];
      s.target = cutpoint::wire::IpAddress::V4(0x0a000000u + static_cast<uint32_t>(index >> 5));  // 10.0.0.0/8
      s.type = probe::ProbeType::kTcpSyn;
      s.port = 443;
      s.ttl = static_cast<uint8_t>(1 + (index & 31));
      s.attempt = 0;
    }
    size_t n = sender.SendProbes(builder, specs, NowUs());
    w.sent += n;
    if (n < specs.size()) index -= (specs.size() - n) * w.lcores;  // retried next round
  }
  w.cycles = rte_rdtsc() - start;
  w.tx_full = sender.counters().tx_full;
  w.alloc_failures = sender.counters().alloc_failures;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string eal = "--no-huge --no-pci -m 512 --vdev net_null0";
  int lcores = 1;
  double seconds = 5;
  int burst = 32;
  for (int i = 1; i < argc; ++i) {
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        fprintf(stderr, "%s needs a value\n", name);
        exit(2);
      }
      return argv[++i];
    };
    if (!strcmp(argv[i], "--eal")) eal = value("--eal");
    else if (!strcmp(argv[i], "--lcores")) lcores = atoi(value("--lcores"));
    else if (!strcmp(argv[i], "--seconds")) seconds = atof(value("--seconds"));
    else if (!strcmp(argv[i], "--burst")) burst = atoi(value("--burst"));
    else {
      fprintf(stderr,
              "usage: cutpoint-dpdk-bench [--eal ARGS] [--lcores N] [--seconds S] [--burst B]\n");
      return 2;
    }
  }
  if (lcores < 1 || lcores > 64 || burst < 1 || burst > 512 || seconds <= 0) {
    fprintf(stderr, "bad --lcores/--burst/--seconds\n");
    return 2;
  }
  if (eal.find("-l ") == std::string::npos && eal.find("--lcores") == std::string::npos &&
      eal.find("-c ") == std::string::npos) {
    eal = absl::StrCat("-l 0-", lcores - 1, " ", eal);
  }
  cutpoint::capture::DpdkOptions options;
  options.eal_args = eal;
  options.tx_queues = static_cast<uint16_t>(lcores);
  options.burst_size = static_cast<uint16_t>(burst);
  options.mempool_size = 16383;
  options.destination_macs.v4 = cutpoint::wire::MacAddress{0x02, 0, 0, 0, 0, 0x01};
  auto port = DpdkPort::Create(options);
  if (!port.ok()) {
    fprintf(stderr, "cutpoint-dpdk-bench: %s\n", std::string(port.status().message()).c_str());
    return 1;
  }
  if (rte_lcore_count() < static_cast<unsigned>(lcores)) {
    fprintf(stderr, "cutpoint-dpdk-bench: %u lcores enabled, %d wanted\n", rte_lcore_count(),
            lcores);
    return 1;
  }
  probe::ProbeCodec codec(cutpoint::test_support::FixedProbeKey());
  uint64_t hz = rte_get_tsc_hz();
  uint64_t end = rte_rdtsc() + static_cast<uint64_t>(seconds * static_cast<double>(hz));
  std::vector<Worker> workers(lcores);
  for (int q = 0; q < lcores; ++q) {
    workers[q].port = port->get();
    workers[q].codec = &codec;
    workers[q].queue = static_cast<uint16_t>(q);
    workers[q].lcores = static_cast<uint16_t>(lcores);
    workers[q].burst = static_cast<uint16_t>(burst);
    workers[q].end_tsc = end;
  }
  // Queue 0 on the main lcore, queue q on the q-th worker lcore.
  unsigned lcore_id;
  int q = 1;
  RTE_LCORE_FOREACH_WORKER(lcore_id) {
    if (q >= lcores) break;
    rte_eal_remote_launch(Run, &workers[q], lcore_id);
    ++q;
  }
  Run(&workers[0]);
  rte_eal_mp_wait_lcore();
  uint64_t sent = 0, max_cycles = 0, sum_cycles = 0, tx_full = 0, alloc_failures = 0;
  for (const Worker& w : workers) {
    sent += w.sent;
    sum_cycles += w.cycles;
    max_cycles = std::max(max_cycles, w.cycles);
    tx_full += w.tx_full;
    alloc_failures += w.alloc_failures;
  }
  auto stats = (*port)->Stats();
  double elapsed = static_cast<double>(max_cycles) / static_cast<double>(hz);
  printf("cutpoint-dpdk-bench lcores=%d burst=%d seconds=%.3f probes=%lu mpps=%.3f "
         "cycles_per_probe=%.1f tsc_hz=%lu opackets=%lu oerrors=%lu tx_full=%lu "
         "alloc_failures=%lu frame_len=%zu\n",
         lcores, burst, elapsed, static_cast<unsigned long>(sent),
         static_cast<double>(sent) / elapsed / 1e6,
         static_cast<double>(sum_cycles) / static_cast<double>(sent),
         static_cast<unsigned long>(hz),
         static_cast<unsigned long>(stats.ok() ? stats->opackets : 0),
         static_cast<unsigned long>(stats.ok() ? stats->oerrors : 0),
         static_cast<unsigned long>(tx_full), static_cast<unsigned long>(alloc_failures),
         cutpoint::wire::kEthernetHeaderLen + probe::kTcpSynProbeLen);
  return stats.ok() && stats->opackets == sent ? 0 : 1;
}
