// SPDX-License-Identifier: Apache-2.0
// check_trusted_path: which scripts vigil refuses to run (or load, for Lua)
// because someone other than root or vigild's user could change them.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"
#include "trusted_path.h"

using vigil::test::TempDir;

namespace {

struct Tree {
    TempDir dir;
    Tree() { chmod(dir.path().c_str(), 0755); }
    std::string file(const std::string& name, mode_t mode = 0755) const {
        auto path = dir.write(name, "#!/bin/sh\n");
        chmod(path.c_str(), mode);
        return path;
    }
    std::string subdir(const std::string& name, mode_t mode) const {
        auto path = dir.file(name);
        std::filesystem::create_directories(path);
        chmod(path.c_str(), mode);
        return path;
    }
};

std::string refusal(const std::string& path) {
    char err[512] = "";
    return check_trusted_path(path.c_str(), err, sizeof err) == 0 ? "" : err;
}

}  // namespace

TEST(TrustedPath, APrivateScriptInPrivateDirectoriesIsAccepted) {
    Tree t;
    EXPECT_EQ(refusal(t.file("ok.sh")), "");
    EXPECT_EQ(refusal(t.file("read-only.sh", 0555)), "");
    EXPECT_EQ(refusal("/bin/sh"), "") << "a system program, through /bin -> usr/bin on merged-/usr systems";
}

TEST(TrustedPath, WritableByGroupOrOthersIsRefused) {
    Tree t;
    for (mode_t mode : {0775, 0757, 0777}) {
        auto path = t.file("w" + std::to_string(mode) + ".sh", mode);
        EXPECT_EQ(refusal(path), path + ": refusing a script writable by group or others (chmod go-w)");
    }
}

TEST(TrustedPath, ADirectoryAboveWritableByOthersIsRefusedUnlessSticky) {
    Tree t;
    auto open = t.subdir("open", 0777);
    auto in_open = t.file("open/s.sh");
    EXPECT_EQ(refusal(in_open), open + ": refusing a script in a directory writable by group or others (chmod go-w)");
    t.subdir("open/deeper", 0755);
    EXPECT_NE(refusal(t.file("open/deeper/s.sh")), "") << "any directory above, not only the nearest";
    t.subdir("sticky", 01777);
    EXPECT_EQ(refusal(t.file("sticky/s.sh")), "") << "a sticky directory (/tmp): others cannot replace our file";
}

TEST(TrustedPath, SymbolicLinksAreCheckedOnBothSides) {
    Tree t;
    t.subdir("open", 0777);
    auto target_open = t.file("open/s.sh");
    auto safe = t.file("safe.sh");
    auto to_safe = t.dir.file("to-safe.sh"), to_open = t.dir.file("to-open.sh");
    std::filesystem::create_symlink(safe, to_safe);
    std::filesystem::create_symlink(target_open, to_open);
    EXPECT_EQ(refusal(to_safe), "");
    EXPECT_NE(refusal(to_open).find("open: refusing a script in a directory writable"), std::string::npos) << refusal(to_open);
    // A link in a writable directory to a safe file: whoever can write there can re-point it.
    auto link_in_open = t.dir.file("open/to-safe.sh");
    std::filesystem::create_symlink(safe, link_in_open);
    EXPECT_NE(refusal(link_in_open), "");
}

TEST(TrustedPath, NotOwnedByRootOrUsIsRefused) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to give a file away";
    Tree t;
    auto foreign = t.file("foreign.sh");
    ASSERT_EQ(chown(foreign.c_str(), 65534, 65534), 0);
    EXPECT_EQ(refusal(foreign), foreign + ": refusing a script owned by uid 65534 (only root or vigild's user may own it)");
    auto dir = t.subdir("theirs", 0755);
    ASSERT_EQ(chown(dir.c_str(), 65534, 65534), 0);
    auto inside = t.file("theirs/s.sh");
    EXPECT_EQ(refusal(inside), dir + ": refusing a directory owned by uid 65534 (only root or vigild's user may own it)");
    auto root_group_writable = t.subdir("rootgroup", 0775);
    EXPECT_EQ(refusal(t.file("rootgroup/s.sh")), "") << "group-writable by group root (gid 0) only: as keepalived";
    ASSERT_EQ(chown(root_group_writable.c_str(), 0, 65534), 0);
    EXPECT_NE(refusal(t.dir.file("rootgroup/s.sh")), "") << "group-writable by another group";
}

TEST(TrustedPath, NotAFileOrNotThereIsRefused) {
    Tree t;
    EXPECT_EQ(refusal(t.dir.file("missing.sh")), t.dir.file("missing.sh") + ": No such file or directory");
    auto d = t.subdir("dir", 0755);
    EXPECT_EQ(refusal(d), d + ": not a regular file");
    EXPECT_EQ(refusal("relative.sh"), "'relative.sh' is not an absolute path");
}

TEST(TrustedPath, ALinkMidWayIsCheckedThoughNeitherThePathNorItsTargetNamesIt) {
    Tree t;
    t.subdir("open", 0777);
    auto safe = t.file("safe.sh");
    // entry -> open/hop -> safe.sh: written as entry, resolving to safe.sh,
    // yet whoever writes to open/ can re-point hop.
    std::filesystem::create_symlink(safe, t.dir.file("open/hop"));
    auto entry = t.dir.file("entry");
    std::filesystem::create_symlink(t.dir.file("open/hop"), entry);
    EXPECT_EQ(refusal(entry), t.dir.file("open") + ": refusing a script in a directory writable by group or others (chmod go-w)");
    // Control: the same two hops through a private directory.
    t.subdir("private", 0755);
    std::filesystem::create_symlink(safe, t.dir.file("private/hop"));
    auto entry2 = t.dir.file("entry2");
    std::filesystem::create_symlink("private/hop", entry2);  // relative, as most links are
    EXPECT_EQ(refusal(entry2), "");
    auto via_dotdot = t.dir.file("private/../safe.sh");
    EXPECT_EQ(refusal(via_dotdot), "");
}
