// SPDX-License-Identifier: Apache-2.0
// A table of text cells rendered two ways: aligned columns for a terminal (widths fit the
// widest cell, counted in code points so UTF-8 names and dashes line up) and a
// GitHub-flavoured Markdown table for tickets.
#ifndef CUTPOINT_ENGINE_REPORT_TEXT_TABLE_H_
#define CUTPOINT_ENGINE_REPORT_TEXT_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cutpoint::report {

enum class Align { kLeft, kRight };

struct TextColumn {
  std::string header;
  Align align = Align::kLeft;
};

class TextTable {
 public:
  explicit TextTable(std::vector<TextColumn> columns) : columns_(std::move(columns)) {}

  // Missing trailing cells read as empty; extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }

  // Header, then one line per row; columns two spaces apart, no trailing blanks.
  std::string RenderText() const;
  // "| a | b |" lines with the alignment row; '|' in cells escaped, newlines as spaces.
  std::string RenderMarkdown() const;

 private:
  std::vector<TextColumn> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Code points in `text` (UTF-8): the width a terminal gives it, for the scripts we print.
size_t DisplayWidth(absl::string_view text);
// `text` made safe for one Markdown table cell.
std::string MarkdownCell(absl::string_view text);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_TEXT_TABLE_H_
