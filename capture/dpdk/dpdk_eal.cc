// SPDX-License-Identifier: Apache-2.0
#include "capture/dpdk/dpdk_eal.h"

#include <rte_eal.h>
#include <rte_errno.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "capture/dpdk/dpdk_layout.h"

namespace cutpoint::capture {
namespace {

struct EalState {
  std::mutex mu;
  bool attempted = false;
  std::string args;
  absl::Status status;
  std::vector<std::string> argv_storage;  // rte_eal_init may keep pointers into argv
  std::vector<char*> argv;
  std::vector<unsigned> usable_cpus;  // before rte_eal_init pinned the main thread
};

EalState& Eal() {
  static EalState* state = new EalState;
  return *state;
}

bool HasFlag(const std::vector<std::string>& args, absl::string_view flag) {
  for (const std::string& a : args) {
    if (a == flag || absl::StartsWith(a, absl::StrCat(flag, "="))) return true;
  }
  return false;
}

// The private --file-prefix EalArgv adds with --no-huge.
std::string OwnFilePrefix() { return absl::StrCat("--file-prefix=cutpoint-", getpid()); }

// The runtime directory of a private --file-prefix we chose (empty with --no-shconf):
// removed at exit so runs leave nothing behind in /var/run/dpdk.
std::string* own_runtime_dir = nullptr;
void RemoveOwnRuntimeDirAtExit() {
  if (own_runtime_dir != nullptr) rmdir(own_runtime_dir->c_str());
}

// After a successful rte_eal_init with `argv`: the private runtime directory is empty once
// the EAL is up (--no-shconf: no files), so removed now: at exit the process may run as
// an unprivileged user that cannot remove it any more.
void RemoveOwnRuntimeDir(const std::vector<std::string>& argv) {
  if (std::find(argv.begin(), argv.end(), OwnFilePrefix()) == argv.end()) return;
  if (rmdir(rte_eal_get_runtime_dir()) != 0) {
    own_runtime_dir = new std::string(rte_eal_get_runtime_dir());
    atexit(RemoveOwnRuntimeDirAtExit);
  }
}

absl::Status EalInitError(int error, const std::vector<std::string>& argv) {
  std::string hint;
  if (error == EACCES || error == EPERM) hint = " (DPDK needs root or CAP_SYS_ADMIN etc.)";
  if (error == ENOMEM) hint = " (no hugepages? try --no-huge -m 512)";
  return absl::UnavailableError(absl::StrCat(
      "DPDK EAL init failed with '", absl::StrJoin(argv, " "), "': ", rte_strerror(error), hint));
}

std::vector<unsigned> AffinityCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<unsigned> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (unsigned cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

// Lcores on CPUs the process cannot use: our message instead of the EAL's.
absl::Status CheckRequestedLcores(absl::string_view eal_args, const std::vector<unsigned>& usable) {
  absl::StatusOr<std::vector<unsigned>> requested = RequestedLcores(eal_args);
  if (!requested.ok()) return requested.status();
  return CheckLcoresExist(*requested, usable);
}

}  // namespace

std::vector<std::string> EalArgv(absl::string_view eal_args) {
  std::vector<std::string> user =
      absl::StrSplit(eal_args, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  std::vector<std::string> argv = {"cutpoint"};
  if (!HasFlag(user, "--no-telemetry") && !HasFlag(user, "--telemetry")) {
    argv.push_back("--no-telemetry");
  }
  bool own_runtime = HasFlag(user, "--in-memory") || HasFlag(user, "--file-prefix") ||
                     HasFlag(user, "--proc-type") || HasFlag(user, "--no-shconf");
  if (!own_runtime) {
    if (HasFlag(user, "--no-huge") || HasFlag(user, "--legacy-mem")) {
      // --in-memory is refused with --no-huge (it implies --legacy-mem): no shared config
      // and a private runtime directory instead.
      argv.push_back("--no-shconf");
      argv.push_back(OwnFilePrefix());
    } else {
      argv.push_back("--in-memory");
    }
  }
  argv.insert(argv.end(), user.begin(), user.end());
  return argv;
}

absl::Status InitEal(absl::string_view eal_args) {
  EalState& eal = Eal();
  std::lock_guard<std::mutex> lock(eal.mu);
  if (eal.attempted) {
    if (eal.args != eal_args) {
      return absl::FailedPreconditionError(
          absl::StrCat("DPDK EAL already initialised with '", eal.args, "' (",
                       eal.status.ok() ? "ok" : eal.status.message(),
                       "); it cannot be initialised again with '", eal_args, "'"));
    }
    return eal.status;
  }
  eal.attempted = true;
  eal.args = std::string(eal_args);
  eal.usable_cpus = AffinityCpus();
  eal.status = CheckRequestedLcores(eal_args, eal.usable_cpus);
  if (!eal.status.ok()) return eal.status;
  eal.argv_storage = EalArgv(eal_args);
  for (std::string& a : eal.argv_storage) eal.argv.push_back(a.data());
  eal.argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(eal.argv.size() - 1), eal.argv.data()) < 0) {
    eal.status = EalInitError(rte_errno, eal.argv_storage);
    return eal.status;
  }
  RemoveOwnRuntimeDir(eal.argv_storage);
  return eal.status;
}

std::vector<unsigned> UsableCpus() {
  EalState& eal = Eal();
  std::lock_guard<std::mutex> lock(eal.mu);
  return eal.attempted ? eal.usable_cpus : AffinityCpus();
}

bool EalInitialized() {
  EalState& eal = Eal();
  std::lock_guard<std::mutex> lock(eal.mu);
  return eal.attempted && eal.status.ok();
}

}  // namespace cutpoint::capture
