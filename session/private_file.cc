// SPDX-License-Identifier: Apache-2.0
#include "session/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace cutpoint::session {

absl::Status WritePrivateFileAtomically(const std::string& path, absl::string_view text,
                                        absl::string_view what, bool durable) {
  std::string temporary = absl::StrCat(path, ".tmp");
  auto failed = [&](const std::string& name, absl::string_view verb, int error) {
    return absl::UnavailableError(
        absl::StrCat("cannot ", verb, " ", what, " '", name, "': ", std::strerror(error)));
  };
  // O_NOFOLLOW: never write through a link planted at the temporary's name. fchmod also
  // tightens a temporary left behind by an older run (open keeps an existing file's mode).
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return failed(temporary, "write", errno);
  int error = fchmod(fd, 0600) == 0 ? 0 : errno;
  size_t done = 0;
  while (error == 0 && done < text.size()) {
    ssize_t written = write(fd, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      error = written < 0 ? errno : EIO;
      break;
    }
    done += static_cast<size_t>(written);
  }
  if (error == 0 && durable && fsync(fd) != 0) error = errno;
  if (close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {
    unlink(temporary.c_str());
    return failed(temporary, "write", error);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = errno;
    unlink(temporary.c_str());
    return failed(path, "replace", error);
  }
  return absl::OkStatus();
}

}  // namespace cutpoint::session
