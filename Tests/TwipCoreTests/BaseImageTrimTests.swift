import Foundation
import Testing

@testable import TwipCore

@Suite struct BaseImageTrimTests {
    @Test(arguments: [
        ("usr/share/doc/bash", "usr/share/doc/*", true),
        ("usr/share/doc", "usr/share/doc/*", false),
        ("usr/share/doc/bash/copyright", "usr/share/doc/*", false),
        ("usr/bin/apt-get", "usr/bin/apt*", true),
        ("usr/bin/bash", "usr/bin/apt*", false),
        ("usr/lib/locale/C.utf8", "usr/lib/locale/*", true),
    ])
    func patternsMatchOneLevel(path: String, pattern: String, matches: Bool) {
        #expect(TrimRules.matches(path, pattern: pattern) == matches)
    }

    @Test func runtimeRulesExtendTheCommonRules() {
        #expect(Set(TrimRules.common.remove).isSubset(of: Set(TrimRules.runtime.remove)))
        for gone in ["var/lib/dpkg", "usr/bin/perl*", "usr/bin/apt*", "var/lib/apt"] {
            #expect(TrimRules.runtime.remove.contains(gone))
            #expect(!TrimRules.common.remove.contains(gone))
        }
    }

    @Test func applyRemovesDocsLocalesAndLogsButKeepsCUTF8() throws {
        let root = try Self.makeRoot([
            "usr/share/doc/bash/copyright", "usr/share/man/man1/ls.1.gz", "usr/share/locale/de/LC_MESSAGES/x.mo",
            "usr/lib/locale/C.utf8/LC_CTYPE", "usr/lib/locale/de_DE/LC_CTYPE", "var/log/dpkg.log",
            "var/log/apt/history.log", "var/lib/dpkg/status", "usr/bin/apt-get", "usr/bin/bash",
            "var/lib/apt/lists/deb.debian.org_Packages", "dev/null-placeholder",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let removed = try TrimRules.common.apply(to: root)
        #expect(removed.contains("usr/share/doc/bash"))
        #expect(removed.contains("usr/lib/locale/de_DE"))
        let left = Self.files(in: root)
        #expect(
            left == [
                "usr/bin/apt-get", "usr/bin/bash", "usr/lib/locale/C.utf8/LC_CTYPE", "var/lib/dpkg/status",
            ])
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("var/log/apt").path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("usr/share/doc").path))
    }

    @Test func runtimeApplyAlsoRemovesThePackageManager() throws {
        let root = try Self.makeRoot(["var/lib/dpkg/status", "usr/bin/apt-get", "usr/bin/bash", "usr/bin/perl5.36.0"])
        defer { try? FileManager.default.removeItem(at: root) }
        try TrimRules.runtime.apply(to: root)
        #expect(Self.files(in: root) == ["usr/bin/bash"])
    }

    static func makeRoot(_ files: [String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-base-\(UUID().uuidString)")
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        return root
    }

    static func files(in root: URL) -> [String] {
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files.append(path) }
        }
        return files.sorted()
    }
}

@Suite struct BaseImageDpkgTests {
    static let status = """
        Package: nginx-light
        Status: install ok installed
        Depends: nginx-common (= 1.22.1-9), libc6 (>= 2.34), libssl3 (>= 3.0.0), zlib1g | zlib-virtual

        Package: nginx-common
        Status: install ok installed
        Pre-Depends: debconf (>= 0.5) | debconf-2.0
        Depends: lsb-base,
         iproute2

        Package: libc6
        Status: install ok installed
        Depends: libgcc-s1

        Package: libgcc-s1
        Status: install ok installed
        Depends: gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)

        Package: gcc-12-base
        Status: install ok installed

        Package: libssl3
        Status: install ok installed
        Depends: libc6:any (>= 2.34)

        Package: zlib-ng
        Status: install ok installed
        Provides: zlib-virtual (= 1)

        Package: debconf
        Status: install ok installed
        Pre-Depends: perl-base (>= 5.20.1-3~)

        Package: perl-base
        Status: install ok installed

        Package: iproute2
        Status: install ok installed
        Depends: libc6

        Package: removed-one
        Status: deinstall ok config-files

        """

    @Test func closureFollowsDependsAndPreDependsButNotInstallTimePackages() {
        let database = DpkgDatabase(status: Self.status)
        #expect(database.packages.count == 10)
        #expect(database.packages["removed-one"] == nil)
        #expect(
            database.closure(of: ["nginx-light", "not-installed"]) == [
                "nginx-light", "nginx-common", "libc6", "libgcc-s1", "gcc-12-base", "libssl3", "zlib-ng",
            ])
        #expect(
            database.closure(of: ["nginx-light"], excluding: []).isSuperset(of: ["debconf", "perl-base", "iproute2"]))
    }

    @Test(arguments: [
        ("libc6:any (>= 2.34), a | b (<< 2) [amd64], c", [["libc6"], ["a", "b"], ["c"]]),
        ("", []),
    ])
    func relationsKeepNamesOnly(text: String, expected: [[String]]) {
        #expect(DpkgDatabase.relations(text) == expected)
    }

    @Test(arguments: [
        ("/bin/sh", "/usr/bin/sh"), ("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
        ("/lib64", "/usr/lib64"), ("/usr/bin/sh", "/usr/bin/sh"), ("/binaries", "/binaries"),
        ("/etc/nginx", "/etc/nginx"),
    ])
    func mergedUsrPathsCompareEqual(path: String, canonical: String) {
        #expect(DpkgDatabase.canonicalPath(path) == canonical)
    }
}

extension BaseImageTrimTests {
    @Test func aPathInsideARemovedFolderIsNoError() throws {
        let root = try Self.makeRoot(["etc/dpkg/dpkg.cfg.d/twip-nodoc", "etc/dpkg/origins/debian", "etc/passwd"])
        defer { try? FileManager.default.removeItem(at: root) }
        try TrimRules.runtime.apply(to: root)
        #expect(Self.files(in: root) == ["etc/passwd"])
    }
}
