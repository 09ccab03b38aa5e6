/// The installed packages of a root filesystem, read from dpkg's `status` file, and what a set of them needs.
///
/// A minimal runtime image keeps only the files of the packages its service needs (their `Depends` and
/// `Pre-Depends` closure) and drops the files of every other package; files no package owns (users, config
/// written by maintainer scripts, `/opt/java`) stay.
public struct DpkgDatabase: Sendable, Equatable {
    /// One installed package.
    public struct Package: Sendable, Equatable {
        /// Package name without architecture.
        public var name: String
        /// `Depends` and `Pre-Depends`: each entry lists alternatives (`a | b`) by name.
        public var dependencies: [[String]]
        /// Virtual package names this package provides.
        public var provides: [String]
    }

    /// Installed packages by name.
    public var packages: [String: Package]

    /// Packages that only install or configure software; a container that never installs anything does not
    /// need them, so the closure does not follow dependencies on them.
    public static let installTimePackages: Set<String> = [
        "dpkg", "debconf", "perl-base", "apt", "adduser", "passwd", "init-system-helpers", "lsb-base",
        "sysvinit-utils", "debianutils", "iproute2", "libcap2-bin", "cdebconf", "sensible-utils", "ucf",
        "ca-certificates-java", "java-common", "default-jre-headless", "openjdk-17-jre-headless", "usrmerge",
    ]

    /// Parses the contents of `/var/lib/dpkg/status`; only packages whose status is `installed` count.
    public init(status: String) {
        var packages: [String: Package] = [:]
        for stanza in status.split(separator: "\n\n", omittingEmptySubsequences: true) {
            let fields = Self.fields(of: stanza)
            guard let name = fields["Package"], fields["Status"]?.hasSuffix(" installed") == true else { continue }
            let depends = [fields["Pre-Depends"], fields["Depends"]].compactMap { $0 }.flatMap(Self.relations)
            let provides = fields["Provides"].map(Self.relations)?.compactMap(\.first) ?? []
            packages[name] = Package(name: name, dependencies: depends, provides: provides)
        }
        self.packages = packages
    }

    /// The names of `roots` and every installed package they need, not following install-time packages.
    /// Roots that are not installed are ignored; an alternative is satisfied by its first installed choice.
    public func closure(of roots: [String], excluding excluded: Set<String> = installTimePackages) -> Set<String> {
        var providers: [String: String] = [:]
        for package in packages.values.sorted(by: { $0.name < $1.name }) {
            for virtual in package.provides where providers[virtual] == nil { providers[virtual] = package.name }
        }
        func resolve(_ name: String) -> String? {
            packages[name] != nil ? name : providers[name]
        }
        var kept = Set<String>()
        var pending = roots.compactMap(resolve)
        while let name = pending.popLast() {
            guard !kept.contains(name), let package = packages[name] else { continue }
            kept.insert(name)
            for alternatives in package.dependencies {
                let choices = alternatives.compactMap(resolve)
                if choices.contains(where: kept.contains) { continue }
                guard let choice = choices.first, !excluded.contains(choice) else { continue }
                pending.append(choice)
            }
        }
        return kept
    }

    /// Maps a path through merged-/usr (`/bin/x` is `/usr/bin/x`) so two spellings of one file compare equal.
    public static func canonicalPath(_ path: String) -> String {
        for alias in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
        where path == alias || path.hasPrefix(alias + "/") {
            return "/usr" + path
        }
        return path
    }

    // MARK: - Parsing

    /// The fields of one stanza; continuation lines (starting with a space) are folded into their field.
    static func fields(of stanza: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        var current: String?
        for line in stanza.split(separator: "\n") {
            if line.first == " " || line.first == "\t" {
                if let current { fields[current, default: ""] += " " + line.trimmingSpaces }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            fields[key] = line[line.index(after: colon)...].trimmingSpaces
            current = key
        }
        return fields
    }

    /// `a (>= 1), b:any | c` -> `[["a"], ["b", "c"]]`: names only, versions and architecture qualifiers dropped.
    static func relations(_ text: String) -> [[String]] {
        text.split(separator: ",").map { relation in
            relation.split(separator: "|").compactMap { choice in
                let name = choice.trimmingSpaces.prefix { !" (:[<".contains($0) }
                return name.isEmpty ? nil : String(name)
            }
        }.filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let characters = drop { $0 == " " || $0 == "\t" }
        var end = characters.endIndex
        while end > characters.startIndex {
            let before = characters.index(before: end)
            guard characters[before] == " " || characters[before] == "\t" else { break }
            end = before
        }
        return String(characters[characters.startIndex..<end])
    }
}
