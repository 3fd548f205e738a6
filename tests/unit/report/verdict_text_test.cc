// SPDX-License-Identifier: Apache-2.0
#include "engine/report/verdict_text.h"

#include <string>
#include <vector>

#include "engine/asn/asn_table.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using locate::Verdict;
using locate::VerdictKind;
using testutil::Ip;

Verdict Reachable(int last_octet) {
  Verdict v;
  v.target = Ip(198, 19, 1, last_octet);
  v.port = 25;
  v.verdict = VerdictKind::kReachable;
  v.evidence = {{"syn_ack", "SYN-ACK at TTL 4"}};
  return v;
}

Verdict Dropped(int last_octet) {
  Verdict v = Reachable(last_octet);
  v.verdict = VerdictKind::kSilentDrop;
  v.has_location = true;
  v.after_ttl = 2;
  v.after_addr = Ip(198, 18, 1, 2);
  v.before_ttl = 3;
  v.before_addr = Ip(198, 18, 2, 2);
  v.evidence = {{"same_host_control_passes", "443 answers at TTL 4"},
                {"silence_beyond_loss", "p 1e-6 <= 1e-5"}};
  return v;
}

asn::AsnTable Table() {
  asn::AsnTableBuilder builder;
  const uint32_t hop[] = {64501};
  const uint32_t target[] = {64510};
  builder.AddPrefix(Ip(198, 18, 1, 0), 24, hop, "", "");
  builder.AddPrefix(Ip(198, 19, 1, 0), 24, target, "TARGET", "NL");
  return std::move(builder).Build();
}

TEST(VerdictTextTest, AccusedFirstWithLocationAndEvidenceRestCounted) {
  std::vector<Verdict> verdicts = {Reachable(1), Dropped(2), Reachable(3)};
  EXPECT_EQ(FormatVerdictText(verdicts, nullptr, {}),
            "TARGET      PORT  VERDICT      LOCATION                                              "
            "EVIDENCE\n"
            "198.19.1.2    25  silent_drop  after hop 2 (198.18.1.2) – before hop 3 (198.18.2.2)  "
            "silence_beyond_loss: p 1e-6 <= 1e-5\n"
            "2 more targets reachable\n");
}

TEST(VerdictTextTest, AsnOfHopsAndTarget) {
  const asn::AsnTable table = Table();
  std::vector<Verdict> verdicts = {Dropped(2)};
  EXPECT_EQ(LocationText(verdicts[0], &table),
            "after hop 2 (198.18.1.2, AS64501) – before hop 3 (198.18.2.2)");
  std::string text = FormatVerdictText(verdicts, &table, {});
  EXPECT_NE(text.find("TARGET AS"), std::string::npos) << text;
  EXPECT_NE(text.find("  AS64510  "), std::string::npos) << text;
}

TEST(VerdictTextTest, AllListsEveryRowAccusedFirst) {
  std::vector<Verdict> verdicts = {Reachable(1), Dropped(2)};
  std::string text = FormatVerdictText(verdicts, nullptr, VerdictTextOptions{.all = true, .markdown = false});
  EXPECT_LT(text.find("198.19.1.2 "), text.find("198.19.1.1 "));
  EXPECT_EQ(text.find("more target"), std::string::npos);
}

TEST(VerdictTextTest, RestLineNamesEachKind) {
  Verdict closed = Reachable(4);
  closed.verdict = VerdictKind::kClosed;
  Verdict control = Reachable(5);
  control.control_host = true;
  EXPECT_EQ(FormatVerdictText({Reachable(1), closed, control}, nullptr, {}),
            "2 more targets: 1 reachable, 1 closed; 1 control host not listed\n");
}

TEST(VerdictTextTest, MarkdownTable) {
  Verdict v = Dropped(2);
  v.evidence = {{"silence_beyond_loss", "a|b"}};
  EXPECT_EQ(FormatVerdictText({v, Reachable(1)}, nullptr, VerdictTextOptions{.all = false, .markdown = true}),
            "| TARGET | PORT | VERDICT | LOCATION | EVIDENCE |\n"
            "|---|---:|---|---|---|\n"
            "| 198.19.1.2 | 25 | silent_drop | after hop 2 (198.18.1.2) – before hop 3 "
            "(198.18.2.2) | silence_beyond_loss: a\\|b |\n"
            "\n"
            "1 more target reachable\n");
}

TEST(VerdictTextTest, TellingEvidencePrefersTheAccusingItem) {
  EXPECT_EQ(TellingEvidence(Dropped(2)), "silence_beyond_loss: p 1e-6 <= 1e-5");
  Verdict none = Reachable(1);
  none.evidence.clear();
  EXPECT_EQ(TellingEvidence(none), "");
}

}  // namespace
}  // namespace cutpoint::report
