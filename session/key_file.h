// SPDX-License-Identifier: Apache-2.0
// Probe keys on disk: 32 hex digits, mode 0600.
#ifndef CUTPOINT_SESSION_KEY_FILE_H_
#define CUTPOINT_SESSION_KEY_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/probe/probe_key.h"

namespace cutpoint::session {

absl::StatusOr<probe::ProbeKey> GenerateProbeKey();
absl::StatusOr<probe::ProbeKey> ReadProbeKey(const std::string& path);
// Reads the key if the file exists, otherwise generates one and writes it (never
// overwriting a file that appears concurrently).
absl::StatusOr<probe::ProbeKey> ReadOrCreateProbeKey(const std::string& path);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_KEY_FILE_H_
