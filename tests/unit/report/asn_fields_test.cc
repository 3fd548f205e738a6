// SPDX-License-Identifier: Apache-2.0
#include "engine/report/asn_fields.h"

#include <string>

#include "engine/asn/asn_table.h"
#include "engine/report/records.h"
#include "engine/report/reply_line.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

asn::AsnTable LabTable() {
  asn::AsnTableBuilder builder;
  const uint32_t multi[] = {64501, 64502};
  const uint32_t target[] = {64510};
  const uint32_t before[] = {64503};
  builder.AddPrefix(Ip(198, 18, 1, 0), 24, multi, "", "");
  builder.AddRange(Ip(198, 19, 1, 0), Ip(198, 19, 1, 9), target, "TARGET \"NET\"", "NL");
  builder.AddPrefix(Ip(198, 18, 2, 0), 24, before, "BEFORE", "DE");
  return std::move(builder).Build();
}

TEST(AsnFieldsTest, VerdictGetsTargetAfterAndBefore) {
  const asn::AsnTable table = LabTable();
  locate::Verdict verdict;
  verdict.target = Ip(198, 19, 1, 2);
  verdict.has_location = true;
  verdict.after_ttl = 2;
  verdict.after_addr = Ip(198, 18, 1, 2);
  verdict.before_ttl = 3;
  verdict.before_addr = Ip(198, 18, 2, 2);
  JsonLine line;
  line.Begin();
  AddVerdictAsnFields(table, verdict, &line);
  EXPECT_EQ(std::string(line.Finish()),
            "{\"target_asn\":64510,\"target_as_name\":\"TARGET \\\"NET\\\"\","
            "\"target_prefix\":\"198.19.1.0-198.19.1.9\",\"after_asn\":64501,"
            "\"after_asns\":[64501,64502],\"after_as_name\":\"\",\"before_asn\":64503,"
            "\"before_as_name\":\"BEFORE\"}\n");
}

TEST(AsnFieldsTest, UnknownAddressesAndUnlocatedVerdictsAddNothing) {
  const asn::AsnTable table = LabTable();
  locate::Verdict verdict;
  verdict.target = Ip(203, 0, 113, 1);
  JsonLine line;
  line.Begin();
  AddVerdictAsnFields(table, verdict, &line);
  EXPECT_EQ(std::string(line.Finish()), "{}\n");
  EXPECT_TRUE(ReplyAsnFields(table, Ip(203, 0, 113, 1), &line).empty());
}

TEST(AsnFieldsTest, ReplyFieldsNameTheResponder) {
  const asn::AsnTable table = LabTable();
  JsonLine scratch;
  EXPECT_EQ(std::string(ReplyAsnFields(table, Ip(198, 18, 2, 2), &scratch)),
            "{\"from_asn\":64503,\"from_as_name\":\"BEFORE\",\"from_prefix\":\"198.18.2.0/24\"}\n");
}

TEST(AsnFieldsTest, MetaListsDatabasesOnlyWhenGiven) {
  MetaInfo meta;
  JsonLine line;
  FormatMeta(meta, &line);
  EXPECT_EQ(std::string(line.Finish()).find("asn_dbs"), std::string::npos);
  meta.asn_dbs.push_back({"/data/rv.pfx2as", "pfx2as", 1234, "2026-12-01T06:00:00Z", 2});
  FormatMeta(meta, &line);
  EXPECT_NE(std::string(line.Finish())
                .find("\"asn_dbs\":[{\"path\":\"/data/rv.pfx2as\",\"format\":\"pfx2as\","
                      "\"size\":1234,\"mtime\":\"2026-12-01T06:00:00Z\",\"entries\":2}]}"),
            std::string::npos);
}

}  // namespace
}  // namespace cutpoint::report
