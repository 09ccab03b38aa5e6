public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Builds twip's base images from Debian packages: one cached `debootstrap --variant=minbase`, a copy of it per
/// image with the recipe's packages installed through `chroot apt-get`, trimmed, and imported through the
/// Engine API with the `io.twip.base` label.
public struct BaseImageBuilder: Sendable {
    /// Where the builder works and what it builds from.
    public struct Options: Sendable, Equatable {
        /// Debian mirror URL.
        public var mirror: String
        /// Debian suite, also the image tag.
        public var suite: String
        /// Cache folder: the minbase root filesystem, downloaded packages and each image's root filesystem.
        public var workDirectory: URL
        /// Rebuild images that exist already.
        public var force: Bool

        /// Creates options; the defaults build bookworm from deb.debian.org into `/var/cache/twip/base`.
        public init(
            mirror: String = "http://deb.debian.org/debian", suite: String = "bookworm",
            workDirectory: URL = URL(fileURLWithPath: "/var/cache/twip/base"), force: Bool = false
        ) {
            self.mirror = mirror
            self.suite = suite
            self.workDirectory = workDirectory
            self.force = force
        }
    }

    /// What happened to one image.
    public enum Outcome: Sendable, Equatable {
        /// The image existed with the base label and was kept.
        case kept(reference: String)
        /// The image was built; `size` is the imported image's size in bytes.
        case built(reference: String, size: Int64)
    }

    /// The builder's options.
    public var options: Options
    /// The engine images are imported into.
    public var engine: any BaseImageStore

    /// Creates a builder.
    public init(options: Options, engine: any BaseImageStore) {
        self.options = options
        self.engine = engine
    }

    var suiteDirectory: URL { options.workDirectory.appendingPathComponent(options.suite) }
    var minbaseDirectory: URL { suiteDirectory.appendingPathComponent("minbase") }
    var minbaseMarker: URL { suiteDirectory.appendingPathComponent("minbase.done") }
    var archivesDirectory: URL { suiteDirectory.appendingPathComponent("archives") }
    func rootDirectory(of name: String) -> URL { suiteDirectory.appendingPathComponent("images/\(name)") }
    func rootMarker(of name: String) -> URL { suiteDirectory.appendingPathComponent("images/\(name).done") }

    /// Builds (or keeps) the images of `recipes`, which must be in build order with their dependencies, and
    /// reports progress lines through `progress`.
    public func build(
        _ recipes: [BaseImageRecipe], progress: @Sendable (String) -> Void
    ) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        var pending: [BaseImageRecipe] = []
        for recipe in recipes {
            let reference = "\(recipe.repository):\(options.suite)"
            if !options.force, try await existingBaseImage(reference) {
                progress("\(reference): kept (exists with label \(BaseImageRecipe.label))")
                outcomes.append(.kept(reference: reference))
            } else {
                pending.append(recipe)
            }
        }
        if pending.isEmpty { return outcomes }
        try checkPrerequisites()
        try await prepareMinbase(progress: progress)
        let byName = Dictionary(uniqueKeysWithValues: recipes.map { ($0.name, $0) })
        for recipe in pending {
            for dependency in recipe.dependencies where !isRootReady(dependency) {
                guard let dependencyRecipe = byName[dependency] else {
                    throw BaseImageError("\(recipe.name) needs the \(dependency) recipe")
                }
                try await prepareRoot(dependencyRecipe, progress: progress)
            }
            let started = Date()
            try await prepareRoot(recipe, progress: progress)
            let reference = "\(recipe.repository):\(options.suite)"
            progress("\(reference): importing through the engine")
            let changes = recipe.config.changes(baseLabel: options.suite)
            let (id, size) = try await engine.importRoot(
                rootDirectory(of: recipe.name), repository: recipe.repository, tag: options.suite, changes: changes)
            try await engine.tag(id, repository: recipe.repository, tag: "latest")
            let seconds = Int(Date().timeIntervalSince(started))
            progress("\(reference): built, \(Self.megabytes(size)) MB in \(seconds)s (also tagged latest)")
            outcomes.append(.built(reference: reference, size: size))
        }
        return outcomes
    }

    /// Whether `reference` exists and carries the base label.
    func existingBaseImage(_ reference: String) async throws -> Bool {
        try await engine.baseLabel(of: reference) != nil
    }

    /// Fails early when the host cannot build: not root, or debootstrap missing.
    func checkPrerequisites() throws {
        guard geteuid() == 0 else { throw BaseImageError.notRoot }
        guard HostCommand.locate("debootstrap") != nil else { throw BaseImageError.debootstrapMissing }
    }

    // MARK: - Root filesystems

    /// Runs debootstrap once per suite; later runs reuse the cached result.
    func prepareMinbase(progress: @Sendable (String) -> Void) async throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: minbaseMarker.path) {
            progress("debootstrap \(options.suite): cached in \(minbaseDirectory.path)")
            return
        }
        guard let debootstrap = HostCommand.locate("debootstrap") else { throw BaseImageError.debootstrapMissing }
        try? fileManager.removeItem(at: minbaseDirectory)
        try fileManager.createDirectory(at: suiteDirectory, withIntermediateDirectories: true)
        progress("debootstrap --variant=minbase \(options.suite) from \(options.mirror) (about a minute)")
        let command = HostCommand(
            executable: debootstrap,
            arguments: ["--variant=minbase", options.suite, minbaseDirectory.path, options.mirror])
        let (status, output) = try await command.run()
        guard status == 0 else {
            try? fileManager.removeItem(at: minbaseDirectory)
            throw BaseImageError.debootstrapFailed(mirror: options.mirror, output: output)
        }
        try Data(options.mirror.utf8).write(to: minbaseMarker)
    }

    func isRootReady(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: rootMarker(of: name).path)
    }

    /// Copies minbase, installs the recipe's packages, runs its steps and trims it by its kind.
    func prepareRoot(_ recipe: BaseImageRecipe, progress: @Sendable (String) -> Void) async throws {
        let fileManager = FileManager.default
        let root = rootDirectory(of: recipe.name)
        try? fileManager.removeItem(at: rootMarker(of: recipe.name))
        if fileManager.fileExists(atPath: root.path) { try fileManager.removeItem(at: root) }
        try fileManager.createDirectory(at: root.deletingLastPathComponent(), withIntermediateDirectories: true)
        try await HostCommand(executable: "/bin/cp", arguments: ["-a", minbaseDirectory.path, root.path]).check()

        progress("\(recipe.repository): apt-get install \(recipe.packages.joined(separator: " "))")
        try writeAptConfiguration(into: root)
        // The package cache is a bind mount of the shared archives folder, so no `apt-get clean`: the next
        // image or the next `twip base --force` finds its .deb files there instead of downloading them again.
        try await withMounts(root) {
            try await chroot(root, "/usr/bin/apt-get", "update", "-q")
            try await chroot(
                root, "/usr/bin/apt-get", "install", "-y", "-q", "--no-install-recommends", arguments: recipe.packages)
        }
        try? fileManager.removeItem(at: root.appendingPathComponent("usr/sbin/policy-rc.d"))

        for step in recipe.steps {
            try await run(step, in: root, progress: progress)
        }
        if recipe.kind == .minimal {
            let removed = try keepOnlyClosure(of: recipe.packages + BaseImageRecipe.minimalRoots, in: root)
            progress("\(recipe.repository): removed \(removed.packages.count) packages no service needs")
            try await linkBusybox(in: root)
        }
        let trimmed = try recipe.trimRules.apply(to: root)
        progress("\(recipe.repository): trimmed \(trimmed.count) paths (\(recipe.kind) rules)")
        try Data().write(to: rootMarker(of: recipe.name))
    }

    /// Sources, no service starts, no documentation unpacked.
    func writeAptConfiguration(into root: URL) throws {
        let sources = BaseImageBuilder.sourcesList(mirror: options.mirror, suite: options.suite)
        try Data(sources.utf8).write(to: root.appendingPathComponent("etc/apt/sources.list"))
        let policy = root.appendingPathComponent("usr/sbin/policy-rc.d")
        try Data("#!/bin/sh\nexit 101\n".utf8).write(to: policy)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: policy.path)
        let noDocs = TrimRules.common.remove.filter { $0.hasPrefix("usr/share/") && $0.hasSuffix("/*") }
            .map { "path-exclude /\($0)" }.joined(separator: "\n")
        try Data((noDocs + "\n").utf8).write(
            to: root.appendingPathComponent("etc/dpkg/dpkg.cfg.d/twip-nodoc"))
    }

    /// `sources.list` for `suite` from `mirror`, with updates (security comes from the same mirror host when it
    /// is deb.debian.org).
    public static func sourcesList(mirror: String, suite: String) -> String {
        var lines = ["deb \(mirror) \(suite) main", "deb \(mirror) \(suite)-updates main"]
        if mirror.hasSuffix("deb.debian.org/debian") {
            lines.append("deb \(mirror)-security \(suite)-security main")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mounts /proc and the shared package cache into `root` for `body`, and unmounts them on every path.
    func withMounts(_ root: URL, _ body: () async throws -> Void) async throws {
        let proc = root.appendingPathComponent("proc").path
        let archives = root.appendingPathComponent("var/cache/apt/archives").path
        try FileManager.default.createDirectory(at: archivesDirectory, withIntermediateDirectories: true)
        try await HostCommand(executable: "/bin/mount", arguments: ["-t", "proc", "proc", proc]).check()
        do {
            try await HostCommand(executable: "/bin/mount", arguments: ["--bind", archivesDirectory.path, archives])
                .check()
        } catch {
            await Self.unmount([proc])
            throw error
        }
        var failure: (any Error)?
        do { try await body() } catch { failure = error }
        await Self.unmount([archives, proc])
        if let failure { throw failure }
    }

    /// Unmounts `paths` in a task of its own, so that the Ctrl-C or SIGTERM that interrupted a build does not
    /// stop the cleanup too; a mount still busy (a killed apt's children) is detached lazily.
    static func unmount(_ paths: [String]) async {
        await Task.detached {
            for path in paths {
                let status = (try? await HostCommand(executable: "/bin/umount", arguments: [path]).run())?.status
                if status != 0 {
                    _ = try? await HostCommand(executable: "/bin/umount", arguments: ["-l", path]).run()
                }
            }
        }.value
    }

    @discardableResult
    func chroot(_ root: URL, _ program: String, _ first: String..., arguments: [String] = []) async throws -> String {
        try await HostCommand(
            executable: "/usr/sbin/chroot", arguments: [root.path, program] + first + arguments,
            environment: ["DEBIAN_FRONTEND": "noninteractive", "PATH": BaseImageConfig.defaultPath]
        ).check()
    }

    func run(_ step: BaseImageStep, in root: URL, progress: @Sendable (String) -> Void) async throws {
        switch step {
        case .jlink(let from, let modules, let destination):
            progress("jlink \(modules.count) modules from \(from) into \(destination)")
            let source = rootDirectory(of: from)
            let output = "/tmp/twip-jlink"
            try? FileManager.default.removeItem(at: source.appendingPathComponent(String(output.dropFirst())))
            try await withMounts(source) {
                try await chroot(
                    source, BaseImageBuilder.jlink, "--add-modules", modules.joined(separator: ","),
                    arguments: [
                        "--output", output, "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=2",
                    ])
            }
            try await copy(
                source.appendingPathComponent(String(output.dropFirst())), to: root, destination: destination)
            try? FileManager.default.removeItem(at: source.appendingPathComponent(String(output.dropFirst())))
        case .copyFromImage(let from, let path, let destination):
            progress("copy \(path) from \(from)")
            try await copy(
                rootDirectory(of: from).appendingPathComponent(String(path.drop { $0 == "/" })), to: root,
                destination: destination)
        case .addUser(let user):
            for (file, line) in [("etc/passwd", user.passwdLine), ("etc/group", user.groupLine)] {
                let url = root.appendingPathComponent(file)
                let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
                try Data(SystemUser.adding(line, named: user.name, to: text).utf8).write(to: url)
            }
            let home = root.appendingPathComponent(String(user.home.drop { $0 == "/" }))
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            guard chown(home.path, uid_t(user.id), gid_t(user.id)) == 0 else {
                throw BaseImageError("cannot give \(user.home) to \(user.name)")
            }
        }
    }

    /// The jlink of Debian's openjdk-17 in the jdk image.
    static let jlink = "/usr/lib/jvm/java-17-openjdk-amd64/bin/jlink"

    /// Copies `source` to `destination` inside `root`, keeping owners, modes and links.
    func copy(_ source: URL, to root: URL, destination: String) async throws {
        let target = root.appendingPathComponent(String(destination.drop { $0 == "/" }))
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: target)
        try await HostCommand(executable: "/bin/cp", arguments: ["-a", source.path, target.path]).check()
    }

    /// Removes the files of every installed package outside the closure of `roots`; unowned files stay.
    func keepOnlyClosure(of roots: [String], in root: URL) throws -> (packages: [String], paths: Int) {
        let info = root.appendingPathComponent("var/lib/dpkg/info")
        let status = try String(contentsOf: root.appendingPathComponent("var/lib/dpkg/status"), encoding: .utf8)
        let database = DpkgDatabase(status: status)
        let kept = database.closure(of: roots)
        var keptPaths = Set<String>()
        var otherPaths = Set<String>()
        for name in database.packages.keys {
            let list =
                (try? String(contentsOf: info.appendingPathComponent("\(name).list"), encoding: .utf8))
                ?? (try? String(contentsOf: info.appendingPathComponent("\(name):amd64.list"), encoding: .utf8))
                ?? ""
            let paths = list.split(separator: "\n").map { DpkgDatabase.canonicalPath(String($0)) }
            if kept.contains(name) { keptPaths.formUnion(paths) } else { otherPaths.formUnion(paths) }
        }
        let removable = otherPaths.subtracting(keptPaths).filter { $0 != "/" && $0 != "/." }
        var removed = 0
        // Deepest first, so folders are empty by the time they are looked at.
        for path in removable.sorted(by: { $0.count > $1.count }) {
            let url = root.appendingPathComponent(String(path.dropFirst()))
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                if (try? FileManager.default.contentsOfDirectory(atPath: url.path).isEmpty) == true {
                    try FileManager.default.removeItem(at: url)
                    removed += 1
                }
            } else {
                try FileManager.default.removeItem(at: url)
                removed += 1
            }
        }
        return (database.packages.keys.filter { !kept.contains($0) }.sorted(), removed)
    }

    /// Links every busybox applet whose command is missing (`sh` once dash is gone, `wget`, ...) to busybox.
    func linkBusybox(in root: URL) async throws {
        let listing = try await chroot(root, "/bin/busybox", "--list-full")
        for applet in listing.split(separator: "\n") where !applet.isEmpty {
            let url = root.appendingPathComponent(String(applet))
            var info = stat()
            if lstat(url.path, &info) == 0 { continue }
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: "/bin/busybox")
        }
    }

    /// Bytes to megabytes with one decimal, as the engine's CLI counts them (10^6).
    public static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }
}
