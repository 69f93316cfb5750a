// SPDX-License-Identifier: Apache-2.0
// The log rate limit in injected time: the first line at once, then one per
// period with the count of those left out.
#include <gtest/gtest.h>

#include "log/rate_limit.h"

using vigil::log::RateLimit;

TEST(RateLimit, FirstAtOnceThenOnePerPeriodWithTheCountLeftOut) {
    RateLimit limit(60'000'000);
    uint64_t left_out = 99;
    ASSERT_TRUE(limit.admit(5'000'000, left_out));
    EXPECT_EQ(left_out, 0u);
    for (int64_t t = 6; t < 65; ++t) EXPECT_FALSE(limit.admit(t * 1'000'000, left_out)) << t;
    ASSERT_TRUE(limit.admit(65'000'000, left_out)) << "a period after the last line";
    EXPECT_EQ(left_out, 59u);
    EXPECT_FALSE(limit.admit(65'000'001, left_out));
    ASSERT_TRUE(limit.admit(200'000'000, left_out));
    EXPECT_EQ(left_out, 1u) << "counted since the last line, not in all";
}
