// SPDX-License-Identifier: Apache-2.0
#include "tools/docgen/roff.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace cutpoint::docgen {

std::string RoffText(absl::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string RoffParagraphs(absl::string_view text) {
  std::string out;
  for (absl::string_view paragraph : absl::StrSplit(text, "\n\n")) {
    std::vector<absl::string_view> lines = absl::StrSplit(paragraph, '\n');
    absl::StrAppend(&out, ".PP\n", RoffText(absl::StrJoin(lines, " ")), "\n");
  }
  return out;
}

}  // namespace cutpoint::docgen
