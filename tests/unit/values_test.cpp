// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "config/values.h"
#include "net/address.h"

using namespace vigil;
using namespace vigil::config;
using std::chrono::milliseconds;

TEST(Duration, AcceptsEveryUnitOfTheSpec) {
    EXPECT_EQ(parse_duration("1"), milliseconds(1000));
    EXPECT_EQ(parse_duration("1s"), milliseconds(1000));
    EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
    EXPECT_EQ(parse_duration("0.5s"), milliseconds(500));
    EXPECT_EQ(parse_duration("2m"), milliseconds(120000));
    EXPECT_EQ(parse_duration("1h"), milliseconds(3600000));
    EXPECT_EQ(parse_duration("0.01s"), milliseconds(10));
    EXPECT_EQ(parse_duration("40.95"), milliseconds(40950));
    EXPECT_EQ(parse_duration(" 3s "), milliseconds(3000));
    EXPECT_EQ(parse_duration("0"), milliseconds(0));
}

TEST(Duration, RefusesGarbageAndSubMillisecondValues) {
    for (const char* bad : {"", "s", "1x", "-1s", "1.s", ".5s", "1..5s", "0.0005s", "1.5ms", "1 s", "10sec", "1e3"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Duration, FormatsWholeSecondsAndMilliseconds) {
    EXPECT_EQ(format_duration(milliseconds(2000)), "2s");
    EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
}

TEST(Bool, AcceptsTheSpecWordsInAnyCase) {
    for (const char* t : {"yes", "true", "on", "1", "YES", "True"}) EXPECT_EQ(parse_bool(t), true) << t;
    for (const char* f : {"no", "false", "off", "0", "No"}) EXPECT_EQ(parse_bool(f), false) << f;
    for (const char* bad : {"", "y", "2", "enabled"}) EXPECT_FALSE(parse_bool(bad)) << bad;
}

TEST(Integer, ParsesSignsAndRefusesTrailingText) {
    EXPECT_EQ(parse_integer("42"), 42);
    EXPECT_EQ(parse_integer("-2"), -2);
    EXPECT_EQ(parse_integer("+3"), 3);
    EXPECT_FALSE(parse_integer("4x"));
    EXPECT_FALSE(parse_integer(""));
    EXPECT_FALSE(parse_integer("1.5"));
}

TEST(WeightedName, SplitsTheWeight) {
    auto a = parse_weighted_name("chk:-2");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->name, "chk");
    EXPECT_EQ(a->weight, -2);
    auto b = parse_weighted_name("chk");
    ASSERT_TRUE(b);
    EXPECT_FALSE(b->weight);
    EXPECT_FALSE(parse_weighted_name("chk:x"));
    EXPECT_FALSE(parse_weighted_name(":5"));
}

TEST(Names, AllowLettersDigitsAndPunctuationOfTheSpec) {
    EXPECT_TRUE(is_valid_name("VI_1"));
    EXPECT_TRUE(is_valid_name("nginx-check.v2"));
    EXPECT_FALSE(is_valid_name(""));
    EXPECT_FALSE(is_valid_name("a b"));
    EXPECT_FALSE(is_valid_name("a:b"));
    EXPECT_FALSE(is_valid_name(std::string(65, 'a')));
}

TEST(Address, ParsesBothFamilies) {
    auto v4 = net::IpAddress::parse("192.0.2.1");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->family(), net::Family::V4);
    EXPECT_EQ(v4->str(), "192.0.2.1");
    auto v6 = net::IpAddress::parse("2001:db8::1");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->family(), net::Family::V6);
    EXPECT_EQ(v6->str(), "2001:db8::1");
    EXPECT_TRUE(net::IpAddress::parse("224.0.0.18")->is_multicast());
    EXPECT_TRUE(net::IpAddress::parse("ff02::12")->is_multicast());
    for (const char* bad : {"", "192.0.2", "192.0.2.256", "2001:db8:::1", "host.example", "192.0.2.1 "})
        EXPECT_FALSE(net::IpAddress::parse(bad)) << bad;
}

TEST(Prefix, DefaultsToAHostPrefixAndChecksTheLength) {
    EXPECT_EQ(net::IpPrefix::parse("192.0.2.1")->length, 32);
    EXPECT_EQ(net::IpPrefix::parse("2001:db8::1")->length, 128);
    EXPECT_EQ(net::IpPrefix::parse("192.0.2.1/24")->str(), "192.0.2.1/24");
    EXPECT_EQ(net::IpPrefix::parse("2001:db8::1/64")->length, 64);
    for (const char* bad : {"192.0.2.1/33", "2001:db8::1/129", "192.0.2.1/", "192.0.2.1/x", "192.0.2.1/-1", "/24"})
        EXPECT_FALSE(net::IpPrefix::parse(bad)) << bad;
}

TEST(SocketAddress, NeedsBracketsForIPv6) {
    EXPECT_EQ(net::SocketAddress::parse("127.0.0.1:9100")->port, 9100);
    EXPECT_EQ(net::SocketAddress::parse("[::1]:9100")->str(), "[::1]:9100");
    for (const char* bad : {"127.0.0.1", "::1:9100", "127.0.0.1:0", "127.0.0.1:70000", "[::1]9100", "x:1"})
        EXPECT_FALSE(net::SocketAddress::parse(bad)) << bad;
}
