// SPDX-License-Identifier: Apache-2.0
// The man pages, from the command registry: cutpoint(1) with the command list, exit
// status, files and see-also, and cutpoint-COMMAND(1) per command with every option of
// its table, its default and its fixed values.
#ifndef CUTPOINT_TOOLS_DOCGEN_MAN_PAGES_H_
#define CUTPOINT_TOOLS_DOCGEN_MAN_PAGES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tools/cutpoint/command_spec.h"

namespace cutpoint::docgen {

struct ManPage {
  std::string file_name;  // e.g. "cutpoint-scan.1"
  std::string text;       // roff
};

// cutpoint.1 first, then one page per command of `commands`.
std::vector<ManPage> MakeManPages(const std::vector<cli::CommandSpec>& commands,
                                  absl::string_view version);

}  // namespace cutpoint::docgen

#endif  // CUTPOINT_TOOLS_DOCGEN_MAN_PAGES_H_
