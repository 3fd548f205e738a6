// SPDX-License-Identifier: Apache-2.0
// Text made safe for roff (man pages): backslashes escaped, hyphens made minus signs where
// they belong to an option name, lines never starting with a control character.
#ifndef CUTPOINT_TOOLS_DOCGEN_ROFF_H_
#define CUTPOINT_TOOLS_DOCGEN_ROFF_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cutpoint::docgen {

// Running text: "\" becomes "\e", "-" becomes "\-" (so options copy-paste as typed), and a
// line starting with "." or "'" is protected with "\&".
std::string RoffText(absl::string_view text);
// Paragraphs ("\n\n"-separated) as .PP blocks, the lines of each joined to be reflowed.
std::string RoffParagraphs(absl::string_view text);

}  // namespace cutpoint::docgen

#endif  // CUTPOINT_TOOLS_DOCGEN_ROFF_H_
