import ArgumentParser
import Foundation
import TwipCore

/// `twip base`: builds twip's base images from Debian packages, with no registry involved.
struct BaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base",
        abstract: "Build the local base images (twip/debian, jdk, nginx, haproxy, jetty, dind, registry) from Debian.",
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
        let options = BaseImageBuilder.Options(
            mirror: mirror, suite: suite, workDirectory: URL(fileURLWithPath: workDir), force: force)
        let outcomes = try await EngineSession.with(ping: false) { session in
            try await session.buildBaseImages(recipes, options: options) { Terminal.standardOutput.write($0 + "\n") }
        }
        let built = outcomes.filter { if case .built = $0 { return true } else { return false } }.count
        Terminal.standardOutput.write("base images: \(built) built, \(outcomes.count - built) kept\n")
    }
}
