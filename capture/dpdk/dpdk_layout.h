// SPDX-License-Identifier: Apache-2.0
// Which CPU runs which thread of a `--tx dpdk` run, decided before anything is sent.
//
// The EAL's lcores (`--dpdk-args "-l LIST"`, default: every CPU the process may use) are the
// main lcore (the first) and the workers. Sender thread i runs alone on worker i, so no
// other thread ever preempts it inside a mempool or ring operation (DPDK's rings spin on
// a preempted peer: two busy threads on one CPU cost milliseconds per collision). The
// capture thread (RX + matcher) takes the next worker if there is one, else it shares
// the main lcore's CPU with the control thread, which mostly sleeps. Each placed thread
// is also registered with the EAL, which gives it an lcore id of its own and with it a
// mempool cache (an unregistered thread takes every mbuf from the shared ring).
//
// Pure functions: no DPDK here, so the rules are unit-tested without an EAL.
#ifndef CUTPOINT_CAPTURE_DPDK_DPDK_LAYOUT_H_
#define CUTPOINT_CAPTURE_DPDK_DPDK_LAYOUT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cutpoint::capture {

// The EAL's lcores: the main one and the workers, in the EAL's order.
struct EalLcores {
  unsigned main = 0;
  std::vector<unsigned> workers;
};

struct DpdkThreadLayout {
  unsigned main = 0;                    // control thread (and the capture when shared)
  std::vector<unsigned> sender_lcores;  // [i]: the lcore of sender thread i (TX queue i)
  unsigned capture_lcore = 0;
  bool capture_shares_main = false;
};

// One worker per sender thread; the capture on the next worker, else on the main lcore.
// InvalidArgument, naming the lcores there are and the fix, when the workers are fewer
// than the sender threads.
absl::StatusOr<DpdkThreadLayout> PlanDpdkThreads(const EalLcores& lcores, int sender_threads,
                                                 int cpus_available);

// The lcores an EAL argument string asks for by `-l LIST` / `--lcores LIST` (plain lists
// such as "0-3,6" only) or `-c HEXMASK`; empty when it names none (the EAL then takes
// every CPU) or uses the --lcores group syntax. InvalidArgument on a malformed list.
absl::StatusOr<std::vector<unsigned>> RequestedLcores(absl::string_view eal_args);

// InvalidArgument when `requested` names a CPU outside `available` (the process's
// affinity set), so the run fails with a clear message before the EAL's own.
absl::Status CheckLcoresExist(const std::vector<unsigned>& requested,
                              const std::vector<unsigned>& available);

// "0-3,6": a compact list of lcore or CPU numbers for messages and the stats record.
std::string FormatCpuList(const std::vector<unsigned>& cpus);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_DPDK_DPDK_LAYOUT_H_
