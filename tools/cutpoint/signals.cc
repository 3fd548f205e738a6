#include "tools/cutpoint/signals.h"

#include <signal.h>
#include <unistd.h>

#include "tools/cutpoint/exit_codes.h"

namespace cutpoint::cli {
namespace {

std::atomic<bool> g_stop_requested{false};

void OnStopSignal(int) {
  if (g_stop_requested.exchange(true)) _exit(kExitInterrupted);
}

}  // namespace

void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& StopRequested() { return g_stop_requested; }

}  // namespace cutpoint::cli
