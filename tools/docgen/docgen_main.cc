// SPDX-License-Identifier: Apache-2.0
// cutpoint-docgen: writes the man pages and shell completions generated from the command
// registry, at build time (tools/docgen/CMakeLists.txt). `cutpoint` itself carries none of
// this.
//   cutpoint-docgen man DIR     cutpoint.1 and cutpoint-COMMAND.1 into DIR
//   cutpoint-docgen bash FILE   the bash completion
//   cutpoint-docgen zsh FILE    the zsh completion (_cutpoint)
#include <cstdio>
#include <fstream>
#include <string>

#include "tools/cutpoint/command_registry.h"
#include "tools/docgen/man_pages.h"
#include "tools/docgen/shell_completions.h"

namespace {

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::fprintf(stderr, "cutpoint-docgen: cannot write '%s'\n", path.c_str());
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: cutpoint-docgen man DIR | bash FILE | zsh FILE\n");
    return 2;
  }
  const std::string kind = argv[1];
  const std::string where = argv[2];
  const auto& commands = cutpoint::cli::AllCommands();
  if (kind == "man") {
    for (const auto& page : cutpoint::docgen::MakeManPages(commands, CUTPOINT_VERSION)) {
      if (!WriteFile(where + "/" + page.file_name, page.text)) return 1;
    }
    return 0;
  }
  if (kind == "bash")
    return WriteFile(where, cutpoint::docgen::MakeBashCompletion(commands)) ? 0 : 1;
  if (kind == "zsh") return WriteFile(where, cutpoint::docgen::MakeZshCompletion(commands)) ? 0 : 1;
  std::fprintf(stderr, "cutpoint-docgen: unknown output '%s' (man, bash, zsh)\n", kind.c_str());
  return 2;
}
