// SPDX-License-Identifier: Apache-2.0
// AS annotation of records (--asn-db): the fields a lookup adds to reply, verdict and cut
// records, named by the address they describe ("from", "target", "after", "before").
// Added after a record's own fields and only for addresses the table holds, so a run
// without --asn-db writes exactly what it wrote before.
#ifndef CUTPOINT_ENGINE_REPORT_ASN_FIELDS_H_
#define CUTPOINT_ENGINE_REPORT_ASN_FIELDS_H_

#include "absl/strings/string_view.h"
#include "engine/asn/asn_table.h"
#include "engine/locate/cuts.h"
#include "engine/locate/verdict.h"
#include "engine/report/json_line.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::report {

// "{name}_asn" (the first origin), "{name}_asns" (every origin, only for a multi-origin
// prefix), "{name}_as_name" (possibly ""), and with `with_prefix` "{name}_prefix" (the
// matched entry: "a.b.c.0/24", or "a-b" for an ip2asn range that is no CIDR block).
// Nothing when the table has no entry for `address`.
void AddAsnFields(const asn::AsnTable& table, absl::string_view name,
                  const wire::IpAddress& address, bool with_prefix, JsonLine* line);

// target_* (with target_prefix) for the verdict's target; after_* and before_* for the
// hops that bound its cut, when it has them.
void AddVerdictAsnFields(const asn::AsnTable& table, const locate::Verdict& verdict,
                         JsonLine* line);
// The same for a cut record, from the verdict it carries (its target: the first of the
// cut's targets).
void AddCutAsnFields(const asn::AsnTable& table, const locate::Cut& cut, JsonLine* line);

// The fields for a reply's responder ("from"), as a line of their own ("{...}\n"): the
// reply writer splices it onto the reply line. Empty when the table has no entry.
absl::string_view ReplyAsnFields(const asn::AsnTable& table, const wire::IpAddress& from,
                                 JsonLine* scratch);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_ASN_FIELDS_H_
