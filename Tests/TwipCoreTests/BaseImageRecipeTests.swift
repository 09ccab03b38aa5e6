import Foundation
import Testing

@testable import TwipCore

@Suite struct BaseImageRecipeTests {
    @Test func everyContractImageHasARecipeInBuildOrder() {
        #expect(
            BaseImageRecipe.all.map(\.repository) == [
                "twip/debian", "twip/jdk", "twip/nginx", "twip/haproxy", "twip/jetty", "twip/dind",
                "twip/registry",
            ])
        for (index, recipe) in BaseImageRecipe.all.enumerated() {
            let earlier = Set(BaseImageRecipe.all.prefix(index).map(\.name))
            #expect(Set(recipe.dependencies).isSubset(of: earlier), "\(recipe.name) depends on a later recipe")
        }
    }

    @Test(arguments: [
        ("debian", ["busybox"]),
        ("jdk", ["openjdk-17-jdk-headless", "libjetty9-java", "libservlet-api-java", "busybox"]),
        ("nginx", ["nginx-light", "busybox"]),
        ("haproxy", ["haproxy", "busybox"]),
        ("jetty", ["busybox"]),
        ("dind", ["docker.io", "containerd", "runc", "iptables", "tini", "ca-certificates"]),
        ("registry", ["docker-registry"]),
    ])
    func recipeInstallsTheContractPackages(name: String, packages: [String]) throws {
        let recipe = try #require(BaseImageRecipe.all.first { $0.name == name })
        #expect(Set(packages).isSubset(of: Set(recipe.packages)))
    }

    @Test(arguments: [
        ("debian", BaseImageRecipe.Kind.runtime), ("jdk", .builder), ("nginx", .minimal), ("haproxy", .minimal),
        ("jetty", .minimal), ("dind", .minimal), ("registry", .minimal),
    ])
    func onlyTheBuilderKeepsItsPackageManager(name: String, kind: BaseImageRecipe.Kind) throws {
        let recipe = try #require(BaseImageRecipe.all.first { $0.name == name })
        #expect(recipe.kind == kind)
        #expect(recipe.trimRules.remove.contains("var/lib/dpkg") == (kind != .builder))
    }

    @Test func jettyGetsAJlinkedJavaTheJarsAndAUser() throws {
        let jetty = try #require(BaseImageRecipe.all.first { $0.name == "jetty" })
        #expect(jetty.dependencies == ["jdk", "jdk"])
        guard case .jlink(_, let modules, let destination) = jetty.steps.first else {
            Issue.record("jetty's first step is not jlink")
            return
        }
        #expect(destination == "/opt/java")
        for module in ["java.base", "java.logging", "java.naming", "java.xml", "java.management", "jdk.unsupported"] {
            #expect(modules.contains(module))
        }
        #expect(jetty.steps.contains(.addUser(BaseImageRecipe.jettyUser)))
        #expect(jetty.config.path.hasPrefix("/opt/java/bin:"))
    }

    @Test(arguments: [
        ([], ["debian", "jdk", "nginx", "haproxy", "jetty", "dind", "registry"]),
        (["dind", "registry"], ["dind", "registry"]),
        (["nginx"], ["nginx"]),
        (["jetty"], ["jdk", "jetty"]),
        (["jetty", "debian"], ["debian", "jdk", "jetty"]),
    ])
    func selectionAddsDependenciesAndKeepsBuildOrder(names: [String], expected: [String]) throws {
        #expect(try BaseImageRecipe.selection(names).map(\.name) == expected)
    }

    @Test func selectionRejectsAnUnknownName() {
        #expect(throws: UnknownBaseImage.self) { try BaseImageRecipe.selection(["alpine"]) }
        #expect(
            UnknownBaseImage(name: "alpine", known: ["debian"]).description
                == "unknown base image \"alpine\"; known: debian")
    }

    @Test func changesSetPathEnvironmentUserDirectoryAndLabel() {
        let config = BaseImageConfig(
            path: "/opt/java/bin:/usr/bin", environment: ["JAVA_HOME=/opt/java"], user: "jetty",
            workingDirectory: "/var/lib/jetty")
        #expect(
            config.changes(baseLabel: "bookworm") == [
                "ENV PATH=/opt/java/bin:/usr/bin", "ENV JAVA_HOME=/opt/java", "USER jetty", "WORKDIR /var/lib/jetty",
                "LABEL io.twip.base=bookworm",
            ])
        #expect(
            BaseImageConfig().changes(baseLabel: "x") == [
                "ENV PATH=\(BaseImageConfig.defaultPath)", "LABEL io.twip.base=x",
            ])
    }

    @Test func addingAUserAppendsOnceAndKeepsTheFileShape() {
        let user = SystemUser(name: "jetty", id: 999, home: "/var/lib/jetty")
        #expect(user.passwdLine == "jetty:x:999:999::/var/lib/jetty:/usr/sbin/nologin")
        #expect(user.groupLine == "jetty:x:999:")
        let passwd = "root:x:0:0:root:/root:/bin/bash"
        let once = SystemUser.adding(user.passwdLine, named: "jetty", to: passwd)
        #expect(once == passwd + "\n" + user.passwdLine + "\n")
        #expect(SystemUser.adding(user.passwdLine, named: "jetty", to: once) == once)
        #expect(
            SystemUser.adding("jettyx:x:1:1::/:/bin/sh", named: "jettyx", to: once).hasSuffix(
                "jettyx:x:1:1::/:/bin/sh\n"))
    }

    @Test func sourcesListAddsSecurityOnlyForTheDebianMirror() {
        #expect(
            BaseImageBuilder.sourcesList(mirror: "http://deb.debian.org/debian", suite: "bookworm") == """
                deb http://deb.debian.org/debian bookworm main
                deb http://deb.debian.org/debian bookworm-updates main
                deb http://deb.debian.org/debian-security bookworm-security main

                """)
        #expect(
            !BaseImageBuilder.sourcesList(mirror: "http://mirror.local/debian", suite: "bookworm").contains("security"))
    }

    @Test(arguments: [
        (
            "E: Failed getting release file http://x/dists/bookworm/Release\nE: Failed getting release file http://x/dists/bookworm/Release",
            "Failed getting release file http://x/dists/bookworm/Release"
        ),
        (
            "I: Retrieving InRelease\nW: Failure trying to run: chroot x mount",
            "W: Failure trying to run: chroot x mount"
        ),
        ("some\nlast words\n", "last words"),
        ("", "no output"),
    ])
    func toolOutputIsSummarizedToItsErrorLines(output: String, summary: String) {
        #expect(BaseImageError.summary(of: output) == summary)
    }
}

/// Engine stand-in that already holds every base image.
private struct FullStore: BaseImageStore {
    func baseLabel(of reference: String) async throws -> String? { "bookworm" }
    func importRoot(_ root: URL, repository: String, tag: String, changes: [String]) async throws
        -> (id: String, size: Int64)
    {
        Issue.record("nothing should be imported")
        return ("", 0)
    }
    func tag(_ id: String, repository: String, tag: String) async throws {
        Issue.record("nothing should be tagged")
    }
}

@Suite struct BaseImageBuilderTests {
    @Test func existingLabelledImagesAreKeptWithoutDebootstrap() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("twiptest-base-\(UUID().uuidString)")
        let builder = BaseImageBuilder(options: .init(workDirectory: work), engine: FullStore())
        let lines = LockedLines()
        let outcomes = try await builder.build(BaseImageRecipe.all) { lines.append($0) }
        #expect(outcomes == BaseImageRecipe.all.map { .kept(reference: "\($0.repository):bookworm") })
        #expect(lines.all.allSatisfy { $0.hasSuffix("kept (exists with label io.twip.base)") })
        #expect(!FileManager.default.fileExists(atPath: work.path))
    }
}

/// Progress lines collected from a `@Sendable` callback.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
