import ArgumentParser
import DockerEngine
import Foundation
import TwipCore

/// `twip clean [up|all] [--base]`: remove what twip left behind, and only what carries its labels.
struct CleanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "up: exited twip containers and dangling twip images; all: every twip container, network and "
            + "built image (base images only with --base). Objects without twip's labels are never touched.")

    enum Scope: String, ExpressibleByArgument, CaseIterable {
        case up, all
    }

    @Argument(help: "up or all.")
    var scope: Scope = .up

    @Flag(help: "With `all`, also remove the base images made by `twip base`.")
    var base = false

    func run() async throws {
        if base && scope != .all { throw UsageError("--base goes with `clean all`") }
        let scope = scope
        let base = base
        try await withEngine { client in
            var reclaimed: Int64 = 0
            var removed = 0
            let containers = try await client.listContainers(all: true, filters: .labels([TwipLabel.environment]))
            for container in containers
            where scope == .all || ["exited", "dead", "created"].contains(container.state ?? "") {
                try await client.removeContainer(container.id, force: true)
                Terminal.standardOutput.write("removed container \(container.name ?? container.id)\n")
                removed += 1
            }
            if scope == .all {
                for network in try await client.listNetworks(filters: .labels([TwipLabel.environment])) {
                    try await client.removeNetwork(network.id)
                    Terminal.standardOutput.write("removed network \(network.name)\n")
                    removed += 1
                }
                var images = try await client.listImages(filters: .labels([TwipLabel.environment]))
                if base { images += try await client.listImages(filters: .labels([TwipLabel.base])) }
                for image in images {
                    do {
                        try await client.removeImage(image.id, force: true)
                    } catch let error as EngineError where error.isNotFound {
                        continue  // already gone with an image removed before it
                    }
                    reclaimed += image.size ?? 0
                    let name = image.repoTags?.first ?? String(image.id.prefix(19))
                    Terminal.standardOutput.write("removed image \(name)\n")
                    removed += 1
                }
            }
            // Untagged leftovers of twip's builds and of replaced base images; labels keep foreign ones out.
            for label in [TwipLabel.environment, TwipLabel.base] {
                let report = try await client.pruneImages(filters: ["dangling": ["true"], "label": [label]])
                for item in report.imagesDeleted ?? [] {
                    if let deleted = item.deleted {
                        Terminal.standardOutput.write("removed dangling image \(deleted)\n")
                    }
                }
                reclaimed += report.spaceReclaimed
                removed += report.imagesDeleted?.count ?? 0
            }
            Terminal.standardOutput.write(
                String(
                    format: "%d object(s) removed; up to %.1f MB reclaimed (images share layers)\n", removed,
                    Double(reclaimed) / 1_000_000))
        }
    }
}
