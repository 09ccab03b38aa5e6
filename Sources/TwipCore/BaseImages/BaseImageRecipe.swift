/// What one twip base image is made of: its packages, what is trimmed away, extra steps and its image config.
///
/// Recipes are data; `BaseImageBuilder` turns them into images. Every recipe starts from the same cached
/// `debootstrap --variant=minbase` root filesystem.
public struct BaseImageRecipe: Sendable, Equatable {
    /// How hard an image is trimmed.
    public enum Kind: Sendable, Equatable {
        /// A build stage image: package manager and databases stay so Dockerfiles can install more.
        case builder
        /// A shell image: the whole minbase userland stays, apt, perl, dpkg databases and install-time files go.
        case runtime
        /// A service image: only the files of its packages' dependency closure (plus `base-files`, `libc6`,
        /// `netbase`) stay, and busybox provides the shell and the usual commands.
        case minimal
    }

    /// Short name: `debian`, `nginx`, ...; the image is `twip/<name>`.
    public var name: String
    /// Builder or runtime.
    public var kind: Kind
    /// Debian packages installed with `apt-get install --no-install-recommends` on top of minbase.
    public var packages: [String]
    /// Steps run after the packages are installed and before trimming.
    public var steps: [BaseImageStep]
    /// Environment, user and working directory of the image.
    public var config: BaseImageConfig

    /// Creates a recipe.
    public init(
        name: String, kind: Kind, packages: [String], steps: [BaseImageStep] = [],
        config: BaseImageConfig = BaseImageConfig()
    ) {
        self.name = name
        self.kind = kind
        self.packages = packages
        self.steps = steps
        self.config = config
    }

    /// The image repository, `twip/<name>`.
    public var repository: String { "twip/\(name)" }

    /// The trim rules for this recipe's kind.
    public var trimRules: TrimRules { kind == .builder ? .common : .runtime }

    /// The packages a minimal image keeps whatever its recipe installs.
    public static let minimalRoots = ["base-files", "libc6", "netbase", "busybox"]

    /// Names of the recipes whose built root filesystem this recipe copies from.
    public var dependencies: [String] {
        steps.compactMap {
            if case .copyFromImage(let image, _, _) = $0 { return image }
            if case .jlink(let image, _, _) = $0 { return image }
            return nil
        }
    }
}

/// A step of a recipe beyond installing packages.
public enum BaseImageStep: Sendable, Equatable {
    /// Links a Java runtime with `jlink` inside the root filesystem of recipe `from` and puts it at `destination`.
    case jlink(from: String, modules: [String], destination: String)
    /// Copies `path` from the root filesystem of recipe `from` to the same path (created if missing).
    case copyFromImage(String, path: String, destination: String)
    /// Adds a system user and group with the same id and a home directory.
    case addUser(SystemUser)
}

/// A system account added to `/etc/passwd` and `/etc/group`.
public struct SystemUser: Sendable, Equatable {
    /// Login name, also the group name.
    public var name: String
    /// User and group id.
    public var id: Int
    /// Home directory, created and owned by the user.
    public var home: String

    /// Creates a user description.
    public init(name: String, id: Int, home: String) {
        self.name = name
        self.id = id
        self.home = home
    }

    /// The `/etc/passwd` line of this user (no password, no login shell).
    public var passwdLine: String { "\(name):x:\(id):\(id)::\(home):/usr/sbin/nologin" }
    /// The `/etc/group` line of this user's group.
    public var groupLine: String { "\(name):x:\(id):" }

    /// Returns `file` (passwd or group contents) with `line` appended unless an entry named `name` exists.
    public static func adding(_ line: String, named name: String, to file: String) -> String {
        let exists = file.split(separator: "\n").contains { $0.split(separator: ":").first.map(String.init) == name }
        if exists { return file }
        let base = file.isEmpty || file.hasSuffix("\n") ? file : file + "\n"
        return base + line + "\n"
    }
}

/// The part of an image's config a base image sets at import time.
public struct BaseImageConfig: Sendable, Equatable {
    /// `PATH` inside the image.
    public var path: String
    /// Extra environment variables, `NAME=value`.
    public var environment: [String]
    /// User the image runs as, if not root.
    public var user: String?
    /// Working directory, if not `/`.
    public var workingDirectory: String?

    /// The Debian default PATH.
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Creates an image config.
    public init(
        path: String = BaseImageConfig.defaultPath, environment: [String] = [], user: String? = nil,
        workingDirectory: String? = nil
    ) {
        self.path = path
        self.environment = environment
        self.user = user
        self.workingDirectory = workingDirectory
    }

    /// The Dockerfile instructions passed as `changes` to the engine's image import, the label included.
    public func changes(baseLabel: String) -> [String] {
        var changes = ["ENV PATH=\(path)"]
        changes += environment.map { "ENV \($0)" }
        if let user { changes.append("USER \(user)") }
        if let workingDirectory { changes.append("WORKDIR \(workingDirectory)") }
        changes.append("LABEL \(BaseImageRecipe.label)=\(baseLabel)")
        return changes
    }
}

extension BaseImageRecipe {
    /// The label every base image carries; its value is the suite it was built from.
    public static let label = "io.twip.base"

    /// Java modules the Jetty 9 runtime needs: `jdeps --print-module-deps` on Debian's Jetty 9.4 and servlet jars
    /// (java.desktop is for java.beans in jetty-util), plus Unsafe, EC TLS and zip file systems; checked by running
    /// an embedded Jetty with a servlet and sessions.
    public static let jettyModules = [
        "java.base", "java.logging", "java.naming", "java.xml", "java.management", "java.instrument",
        "java.management.rmi", "java.desktop", "java.sql", "java.security.jgss", "jdk.unsupported", "jdk.crypto.ec",
        "jdk.zipfs",
    ]

    /// Where the Jetty and servlet API jars are, in `twip/jetty` and `twip/jdk`.
    public static let javaLibraryFolder = "/usr/share/java"

    /// The `jetty` account of `twip/jetty`.
    public static let jettyUser = SystemUser(name: "jetty", id: 999, home: "/var/lib/jetty")

    /// Every base image, in build order (a recipe comes after those it copies from).
    public static let all: [BaseImageRecipe] = [
        BaseImageRecipe(name: "debian", kind: .runtime, packages: ["busybox"]),
        BaseImageRecipe(
            name: "jdk", kind: .builder,
            packages: ["openjdk-17-jdk-headless", "libjetty9-java", "libservlet-api-java", "busybox", "binutils"]),
        BaseImageRecipe(name: "nginx", kind: .minimal, packages: ["nginx-light", "busybox"]),
        BaseImageRecipe(name: "haproxy", kind: .minimal, packages: ["haproxy", "busybox"]),
        BaseImageRecipe(
            // The jlink'ed runtime needs zlib and the C++ runtime from the system, the jars need nothing.
            name: "jetty", kind: .minimal, packages: ["busybox", "zlib1g", "libstdc++6", "libgcc-s1"],
            steps: [
                .jlink(from: "jdk", modules: jettyModules, destination: "/opt/java"),
                .copyFromImage("jdk", path: javaLibraryFolder, destination: javaLibraryFolder),
                .addUser(jettyUser),
            ],
            config: BaseImageConfig(
                path: "/opt/java/bin:" + BaseImageConfig.defaultPath, environment: ["JAVA_HOME=/opt/java"])),
        // An engine node of `twip lab`: Debian's dockerd with its containerd, runc, iptables (nft, through the
        // /etc/alternatives links update-alternatives made, which belong to no package and so stay) and tini, the
        // docker-init of Debian's docker.io; util-linux mount, whose `remount,bind,rw` makes
        // the node's cgroup and sysfs mounts writable.
        BaseImageRecipe(
            name: "dind", kind: .minimal,
            packages: [
                "docker.io", "containerd", "runc", "iptables", "tini", "ca-certificates", "mount", "busybox",
            ]),
        // The registry inside a lab: Debian's docker-registry (the distribution project's registry 2).
        BaseImageRecipe(name: "registry", kind: .minimal, packages: ["docker-registry", "busybox"]),
    ]

    /// Whether the image tag `reference` is a base image stacks build from: `twip/NAME:TAG` of a recipe, the lab's
    /// own images aside (images built from base images inherit their label, so the label alone does not say).
    public static func isBuildBase(_ reference: String) -> Bool {
        guard reference.hasPrefix("twip/"), let colon = reference.lastIndex(of: ":") else { return false }
        let name = String(reference[reference.index(reference.startIndex, offsetBy: 5)..<colon])
        return all.contains { $0.name == name } && name != "dind" && name != "registry"
    }

    /// The recipes named in `names` plus the recipes they depend on, in build order; all recipes when empty.
    /// Throws the unknown name when one is not a recipe.
    public static func selection(_ names: [String]) throws(UnknownBaseImage) -> [BaseImageRecipe] {
        if names.isEmpty { return all }
        let known = Set(all.map(\.name))
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw UnknownBaseImage(name: unknown, known: all.map(\.name))
        }
        var wanted = Set(names)
        // Dependencies come earlier in `all`, so walking it backwards closes the set in one pass.
        for recipe in all.reversed() where wanted.contains(recipe.name) {
            wanted.formUnion(recipe.dependencies)
        }
        return all.filter { wanted.contains($0.name) }
    }
}

/// A base image name that is not one of the recipes.
public struct UnknownBaseImage: Error, Equatable, CustomStringConvertible {
    /// The name asked for.
    public var name: String
    /// The names that exist.
    public var known: [String]
    /// One-line explanation.
    public var description: String {
        "unknown base image \"\(name)\"; known: \(known.joined(separator: ", "))"
    }
}
