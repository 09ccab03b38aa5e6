public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Paths removed from a base image's root filesystem before it is imported.
///
/// A pattern is a path relative to the root; its last component may hold shell wildcards (`*`, `?`, `[...]`),
/// the folders before it may not. `keep` lists patterns that survive even when a removal pattern matches them.
public struct TrimRules: Sendable, Equatable {
    /// Patterns whose matches are removed (files and whole folders).
    public var remove: [String]
    /// Patterns whose matches are kept even when `remove` matches them.
    public var keep: [String]
    /// Folders whose regular files are emptied out (logs), the folders themselves stay.
    public var emptyFilesUnder: [String]

    /// Creates trim rules.
    public init(remove: [String], keep: [String] = [], emptyFilesUnder: [String] = []) {
        self.remove = remove
        self.keep = keep
        self.emptyFilesUnder = emptyFilesUnder
    }

    /// What every image loses: documentation, man and info pages, locales but C.UTF-8, apt lists and caches,
    /// dpkg backups and logs.
    public static let common = TrimRules(
        remove: [
            "usr/share/doc/*", "usr/share/man/*", "usr/share/info/*", "usr/share/lintian", "usr/share/linda",
            "usr/share/locale/*", "usr/lib/locale/*", "var/lib/apt/lists/*", "var/cache/apt/*.bin",
            "var/cache/apt/archives/*.deb", "var/cache/debconf/*-old", "var/lib/dpkg/*-old", "tmp/*", "var/tmp/*",
            "etc/dpkg/dpkg.cfg.d/twip-nodoc", "var/cache/ldconfig/aux-cache", "dev/*",
        ],
        keep: ["usr/lib/locale/C.utf8"],
        emptyFilesUnder: ["var/log"]
    )

    /// What a runtime image also loses: everything only installing software uses (apt, dpkg and its database,
    /// debconf, perl) and data no server here reads (gconv charset modules, time zone and license texts).
    public static let runtime = TrimRules(
        remove: common.remove + [
            "usr/bin/apt*", "usr/lib/apt", "etc/apt", "var/lib/apt", "var/cache/apt",
            "usr/lib/x86_64-linux-gnu/libapt-*", "usr/bin/perl*", "usr/lib/x86_64-linux-gnu/perl-base",
            "usr/share/perl5", "usr/share/debconf", "var/cache/debconf", "usr/bin/debconf*", "var/lib/dpkg",
            "usr/bin/dpkg*", "etc/dpkg", "usr/share/dpkg", "usr/lib/dpkg", "usr/sbin/dpkg-*",
            "usr/share/bash-completion", "usr/lib/x86_64-linux-gnu/gconv", "usr/share/zoneinfo",
            "usr/share/common-licenses", "etc/cron.daily", "etc/logrotate.d",
        ],
        keep: common.keep,
        emptyFilesUnder: common.emptyFilesUnder
    )

    /// Whether `path` (relative to the root, no leading slash) matches `pattern`.
    public static func matches(_ path: String, pattern: String) -> Bool {
        fnmatch(pattern, path, FNM_PATHNAME) == 0
    }

    /// The paths under `root` that the rules remove, relative to the root, sorted.
    public func removals(in root: URL) -> [String] {
        let fileManager = FileManager.default
        var found = Set<String>()
        for pattern in remove {
            let parent = (pattern as NSString).deletingLastPathComponent
            let directory = parent.isEmpty ? root : root.appendingPathComponent(parent)
            guard let names = try? fileManager.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names {
                let path = parent.isEmpty ? name : parent + "/" + name
                if Self.matches(path, pattern: pattern), !keep.contains(where: { Self.matches(path, pattern: $0) }) {
                    found.insert(path)
                }
            }
        }
        return found.sorted()
    }

    /// Removes what the rules name from the root filesystem at `root` and returns the removed paths.
    @discardableResult
    public func apply(to root: URL) throws -> [String] {
        let fileManager = FileManager.default
        let removed = removals(in: root)
        for path in removed {
            let url = root.appendingPathComponent(path)
            var info = stat()
            // A folder removed earlier may have held this path (`etc/dpkg` and `etc/dpkg/dpkg.cfg.d/x`).
            guard lstat(url.path, &info) == 0 else { continue }
            try fileManager.removeItem(at: url)
        }
        for folder in emptyFilesUnder {
            let url = root.appendingPathComponent(folder)
            guard let enumerator = fileManager.enumerator(atPath: url.path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                let file = url.appendingPathComponent(relative)
                let attributes = try? fileManager.attributesOfItem(atPath: file.path)
                if attributes?[.type] as? FileAttributeType == .typeRegular {
                    try fileManager.removeItem(at: file)
                }
            }
        }
        return removed
    }
}
