// SPDX-License-Identifier: Apache-2.0
// Shell completions from the command registry: the commands, each command's options,
// files for FILE-valued options (and a command's file operands), the fixed values of
// options that have them (OptionSpec::choices).
#ifndef CUTPOINT_TOOLS_DOCGEN_SHELL_COMPLETIONS_H_
#define CUTPOINT_TOOLS_DOCGEN_SHELL_COMPLETIONS_H_

#include <string>
#include <vector>

#include "tools/cutpoint/command_spec.h"

namespace cutpoint::docgen {

// A bash script defining _cutpoint and `complete -F _cutpoint cutpoint`.
std::string MakeBashCompletion(const std::vector<cli::CommandSpec>& commands);
// A zsh completion function file (#compdef cutpoint) using _arguments.
std::string MakeZshCompletion(const std::vector<cli::CommandSpec>& commands);

}  // namespace cutpoint::docgen

#endif  // CUTPOINT_TOOLS_DOCGEN_SHELL_COMPLETIONS_H_
