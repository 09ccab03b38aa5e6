import ArgumentParser
import DockerEngine
import Foundation
import TwipCore

/// `twip base`: builds twip's base images from Debian packages, with no registry involved.
struct BaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base",
        abstract: "Build the local base images (twip/debian, jdk, nginx, haproxy, jetty) from Debian packages.",
        discussion: """
            Runs debootstrap once (cached under --work-dir), installs each image's packages in a copy through \
            chroot apt-get, trims it and imports it through the Engine API as twip/NAME:SUITE and twip/NAME:latest \
            with the label io.twip.base. Existing base images are kept unless --force. Needs root.
            """
    )

    @Flag(help: "Rebuild images that exist already.")
    var force = false

    @Option(help: "Debian mirror URL.")
    var mirror = "http://deb.debian.org/debian"

    @Option(help: "Debian suite, also the image tag.")
    var suite = "bookworm"

    @Option(name: .customLong("only"), parsing: .upToNextOption, help: "Build only these images (and what they need).")
    var only: [String] = []

    @Option(help: "Cache folder for the debootstrap result, packages and root filesystems.")
    var workDir = "/var/cache/twip/base"

    func run() async throws {
        let recipes: [BaseImageRecipe]
        do {
            recipes = try BaseImageRecipe.selection(only)
        } catch {
            throw UsageError(error.description)
        }
        let engine = DockerClient(host: try DockerHost(environment: ProcessInfo.processInfo.environment))
        let options = BaseImageBuilder.Options(
            mirror: mirror, suite: suite, workDirectory: URL(fileURLWithPath: workDir), force: force)
        let builder = BaseImageBuilder(options: options, engine: engine)
        do {
            let outcomes = try await builder.build(recipes) { line in
                Terminal.standardOutput.write(line + "\n")
            }
            try? await engine.shutdown()
            let built = outcomes.filter { if case .built = $0 { return true } else { return false } }.count
            Terminal.standardOutput.write("base images: \(built) built, \(outcomes.count - built) kept\n")
        } catch {
            try? await engine.shutdown()
            if let unreachable = error as? EngineUnreachable {
                throw BaseEngineUnreachable(message: unreachable.description)
            }
            if let failure = error as? BaseImageError { throw OperationFailed(failure.description) }
            throw OperationFailed("\(error)")
        }
    }
}

/// The engine could not be reached while building base images (exit 3).
struct BaseEngineUnreachable: Reportable {
    var message: String
    var lines: [String] { [message] }
    var exitCode: CLI.ExitCode { .engineUnreachable }
}
