// SPDX-License-Identifier: Apache-2.0
// Small state files a run rewrites while it goes (resume files, the status file): written
// beside their final name and renamed over it, so a reader or a crash sees the old file or
// the new one, never a part; 0600 whatever the umask, as they describe the scan.
#ifndef CUTPOINT_SESSION_PRIVATE_FILE_H_
#define CUTPOINT_SESSION_PRIVATE_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cutpoint::session {

// Replaces `path` with `text` through `path`.tmp. `what` names the file in errors
// ("resume file"). `durable`: fsync before the rename, for files a later run relies on.
absl::Status WritePrivateFileAtomically(const std::string& path, absl::string_view text,
                                        absl::string_view what, bool durable);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_PRIVATE_FILE_H_
