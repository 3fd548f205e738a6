// SPDX-License-Identifier: Apache-2.0
#include "engine/report/verdict_csv.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

TEST(VerdictCsvTest, OneRowPerVerdictQuotedWhereNeeded) {
  locate::Verdict blocked;
  blocked.target = Ip(198, 19, 1, 2);
  blocked.port = 25;
  blocked.verdict = locate::VerdictKind::kSilentDrop;
  blocked.has_location = true;
  blocked.after_ttl = 2;
  blocked.after_addr = Ip(198, 18, 1, 2);
  blocked.before_ttl = 3;
  blocked.before_addr = Ip(198, 18, 2, 2);
  blocked.distance = 4;
  blocked.scope = locate::Scope::kHost;
  blocked.cut_prefix = "198.19.1.2/32";
  blocked.evidence = {{"silence_beyond_loss", "p 1e-6, \"low\""}};
  locate::Verdict reachable;
  reachable.target = Ip(198, 19, 1, 1);
  reachable.port = 25;
  reachable.verdict = locate::VerdictKind::kReachable;

  asn::AsnTableBuilder builder;
  const uint32_t hop[] = {64501};
  builder.AddPrefix(Ip(198, 18, 1, 0), 24, hop, "", "");
  const asn::AsnTable table = std::move(builder).Build();

  const std::string csv = FormatVerdictCsv({blocked, reachable}, &table);
  EXPECT_EQ(csv,
            "target,port,verdict,mechanism,reason,after_ttl,after_addr,before_ttl,before_addr,"
            "distance,scope,cut_prefix,control_host,evidence,target_asn,after_asn,before_asn\r\n"
            "198.19.1.2,25,silent_drop,,,2,198.18.1.2,3,198.18.2.2,4,host,198.19.1.2/32,false,"
            "\"silence_beyond_loss: p 1e-6, \"\"low\"\"\",,64501,\r\n"
            "198.19.1.1,25,reachable,,,,,,,,,,false,,,,\r\n");
}

TEST(VerdictCsvTest, PlainFieldsUnquoted) {
  EXPECT_EQ(CsvField("abc"), "abc");
  EXPECT_EQ(CsvField("a\nb"), "\"a\nb\"");
}

}  // namespace
}  // namespace cutpoint::report
