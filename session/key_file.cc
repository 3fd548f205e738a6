// SPDX-License-Identifier: Apache-2.0
#include "session/key_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"

namespace cutpoint::session {

absl::StatusOr<probe::ProbeKey> GenerateProbeKey() {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialize");
  probe::ProbeKey key;
  randombytes_buf(key.bytes.data(), key.bytes.size());
  return key;
}

absl::StatusOr<probe::ProbeKey> ReadProbeKey(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read key file '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<probe::ProbeKey> key = probe::ProbeKeyFromHex(text.str());
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key file '", path, "': ", key.status().message()));
  }
  return key;
}

absl::StatusOr<probe::ProbeKey> ReadOrCreateProbeKey(const std::string& path) {
  if (access(path.c_str(), F_OK) == 0) return ReadProbeKey(path);
  ASSIGN_OR_RETURN(probe::ProbeKey key, GenerateProbeKey());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ReadProbeKey(path);
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create key file '", path, "': ", strerror(errno)));
  }
  std::string text = probe::ProbeKeyToHex(key) + "\n";
  bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  bool closed = close(fd) == 0;
  if (!written || !closed) {
    return absl::UnavailableError(absl::StrCat("cannot write key file '", path, "'"));
  }
  return key;
}

}  // namespace cutpoint::session
