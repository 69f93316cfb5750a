// SPDX-License-Identifier: Apache-2.0
// conf.d drop-ins: lexical order, merged sections, overrides, located errors.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "config_files/config_files.h"
#include "support/config_helpers.h"
#include "support/temp_dir.h"

using namespace vigil;
using namespace vigil::config;
using namespace vigil::test;

TEST(ConfD, FilesAreTheMainOneThenDropInsInLexicalOrder) {
    TempDir dir;
    auto main = dir.write("vigil.conf", "");
    dir.write("conf.d/20-b.conf", "");
    dir.write("conf.d/10-a.conf", "");
    dir.write("conf.d/README", "not a config");
    dir.write("conf.d/30-c.conf.disabled", "");
    EXPECT_EQ(config_files(main), (std::vector<std::string>{main, dir.file("conf.d/10-a.conf"), dir.file("conf.d/20-b.conf")}));
}

TEST(ConfD, NoConfDirectoryIsFine) {
    TempDir dir;
    auto main = dir.write("vigil.conf", instance());
    auto r = load_config_file(main, load_options());
    ASSERT_TRUE(r.ok()) << joined(r);
    EXPECT_EQ(r.config->files, std::vector<std::string>{main});
}

TEST(ConfD, RepeatedSectionsMergeAndLaterValuesWin) {
    TempDir dir;
    auto main = dir.write("vigil.conf", "[global]\nrouter_id = main\n" + instance("priority = 100\n"));
    dir.write("conf.d/50-tune.conf", "[instance VI_1]\npriority = 120\nvip = 192.0.2.11/24\n");
    dir.write("conf.d/90-last.conf", "[instance VI_1]\npriority = 130\n[global]\nrouter_id = dropin\n");
    auto r = load_config_file(main, load_options());
    ASSERT_TRUE(r.ok()) << joined(r);
    const auto& i = r.config->instances.at(0);
    EXPECT_EQ(r.config->instances.size(), 1u);
    EXPECT_EQ(i.priority, 130) << "90-last.conf comes after 50-tune.conf";
    EXPECT_EQ(i.vips.size(), 2u) << "repeatable keys accumulate across files";
    EXPECT_EQ(i.interface, "eth0") << "keys the drop-ins do not set stay";
    EXPECT_EQ(r.config->global.router_id, "dropin");
    EXPECT_EQ(r.diagnostics.warning_count(), 0u) << "overriding from another file is the point of a drop-in";
}

TEST(ConfD, DropInsAddSectionsAndReferencesCrossFiles) {
    TempDir dir;
    auto main = dir.write("vigil.conf", instance("track = down\n"));
    dir.write("conf.d/trackers.conf", "[tracker down]\ntype = file\npath = /etc/vigil/down\nweight = -2\n");
    auto r = load_config_file(main, load_options());
    ASSERT_TRUE(r.ok()) << joined(r);
    EXPECT_EQ(r.config->trackers.at(0).weight, -2);
}

TEST(ConfD, ErrorsNameTheDropInAndItsLine) {
    TempDir dir;
    auto main = dir.write("vigil.conf", instance() + "priority = 400\n");
    auto dropin = dir.write("conf.d/10-x.conf", "# tuning\n[instance VI_1]\npreemt = no\n");
    auto r = load_config_file(main, load_options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(messages(r), (std::vector<std::string>{
                               main + ":5: priority: 400 is out of range (1-255)",
                               dropin + ":3: unknown key 'preemt' in [instance VI_1] (did you mean 'preempt'?)",
                           }));
}

TEST(ConfD, DuplicateVridAcrossFiles) {
    TempDir dir;
    auto main = dir.write("vigil.conf", instance());
    auto dropin = dir.write("conf.d/a.conf", "[instance OTHER]\ninterface = eth0\nvrid = 51\nvip = 192.0.2.99/24\n");
    auto r = load_config_file(main, load_options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(messages(r), std::vector<std::string>{dropin + ":3: vrid 51 on eth0 (IPv4) is already used by [instance VI_1] at " +
                                                    main + ":1"});
}

TEST(ConfD, ADanglingDropInIsAnError) {
    TempDir dir;
    auto main = dir.write("vigil.conf", instance());
    dir.write("conf.d/10-ok.conf", "");
    std::filesystem::create_symlink(dir.file("nowhere.conf"), dir.file("conf.d/20-gone.conf"));
    auto r = load_config_file(main, load_options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(messages(r), std::vector<std::string>{dir.file("conf.d/20-gone.conf") +
                                                    ": cannot read: not a regular file (a dangling link?)"});
}

TEST(ConfD, AConfDThatIsAFileIsAnError) {
    TempDir dir;
    auto main = dir.write("vigil.conf", instance());
    dir.write("conf.d", "oops");
    auto r = load_config_file(main, load_options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(messages(r), std::vector<std::string>{dir.file("conf.d") + ": cannot read: Not a directory"});
}

// A secret written into a config file every local user may read is worth a
// warning (per file, at the secret's line); a private file, none.
TEST(ConfD, SecretsInAFileReadableByOthersAreWarnedAbout) {
    TempDir dir;
    auto main = dir.write("vigil.conf", instance("version = 2\nauth_pass = s3cret\n"));
    auto hook = "[notifier w]\ntype = webhook\nurl = http://127.0.0.1/\nheader = X-Env: lab\n";
    auto plain = dir.write("conf.d/10-plain.conf", hook);
    auto token = dir.write("conf.d/20-token.conf", std::string(hook) + "header = Authorization: Bearer t0ken\n");
    for (const auto& f : {main, plain, token}) chmod(f.c_str(), 0644);
    auto r = load_config_file(main, load_options());
    ASSERT_TRUE(r.ok()) << joined(r);
    auto text = joined(r);
    EXPECT_NE(text.find(main + ":6: warning: auth_pass: a secret in a file readable by others"), std::string::npos) << text;
    EXPECT_NE(text.find(token + ":5: warning: header: a secret in a file readable by others"), std::string::npos) << text;
    EXPECT_EQ(text.find(plain), std::string::npos) << "X-Env is no credential: " << text;
    EXPECT_EQ(text.find("s3cret"), std::string::npos);
    EXPECT_EQ(text.find("t0ken"), std::string::npos);
    // Control: the same files private to root and the group.
    for (const auto& f : {main, plain, token}) chmod(f.c_str(), 0640);
    r = load_config_file(main, load_options());
    EXPECT_EQ(joined(r).find("readable by others"), std::string::npos) << joined(r);
}
