import DockerEngine
public import Foundation

/// One image twip built or imported.
public struct TwipImage: Sendable, Hashable, Codable {
    /// `base` (made by `twip base`), `environment` (built for an environment's service) or `built`.
    public var reference: String
    public var kind: String
    public var environment: String?
    public var service: String?
    /// For an environment's image: `current` (what its services run after the last release) or `previous` (what
    /// `twip ENV rollback` returns to).
    public var release: String?
    /// The short image ID.
    public var id: String
    public var size: Int64
    /// Seconds since the epoch.
    public var created: Int64
}

/// What `clean` removed.
public struct CleanReport: Sendable, Hashable {
    /// One line per removed object, e.g. `removed container prod-web-1`.
    public var removed: [String] = []
    /// Bytes reclaimed, an upper bound (images share layers).
    public var reclaimed: Int64 = 0
}

extension EngineSession {
    /// twip's images: base images and the images built for environments.
    public func images() async throws -> [TwipImage] {
        let built = try await client.listImages(filters: .labels([TwipLabel.environment]))
        let base = try await client.listImages(filters: .labels([TwipLabel.base]))
        var seen = Set<String>()
        return (base + built).filter { seen.insert($0.id).inserted }.map { summary in
            let labels = summary.labels ?? [:]
            // Images built on a base image inherit its io.twip.base label; what was built for a service is no base.
            return TwipImage(
                reference: (summary.repoTags ?? []).filter { $0 != "<none>:<none>" }
                    .sorted { !$0.hasSuffix(":previous") && $1.hasSuffix(":previous") }.first ?? "<none>",
                kind: labels[TwipLabel.environment] != nil
                    ? "environment" : labels[TwipLabel.service] != nil ? "built" : "base",
                environment: labels[TwipLabel.environment], service: labels[TwipLabel.service],
                release: labels[TwipLabel.environment] == nil
                    ? nil
                    : (summary.repoTags ?? []).contains { $0.hasSuffix(":previous") }
                        ? ((summary.repoTags ?? []).count > 1 ? "current, previous" : "previous") : "current",
                id: String(summary.id.replacingOccurrences(of: "sha256:", with: "").prefix(12)),
                size: summary.size ?? 0, created: summary.created ?? 0)
        }
    }

    /// Removes what twip left behind, and only what carries its labels: exited containers and dangling images
    /// (`all`: every twip swarm service, container, network and built image; with `base`, base images too).
    public func clean(all: Bool, base: Bool, removed: @escaping @Sendable (String) -> Void = { _ in }) async throws
        -> CleanReport
    {
        var report = CleanReport()
        func note(_ line: String) {
            report.removed.append(line)
            removed(line)
        }
        // Swarm services first: the swarm would replace their tasks' containers as fast as they are removed.
        if all, try await isSwarmManager() {
            for service in try await client.listServices(filters: .labels([TwipLabel.environment])) {
                try await client.removeService(service.id)
                note("removed service \(service.spec.name)")
            }
        }
        let containers = try await client.listContainers(all: true, filters: .labels([TwipLabel.environment]))
        for container in containers where all || ["exited", "dead", "created"].contains(container.state ?? "") {
            try await client.removeContainer(container.id, force: true)
            note("removed container \(container.name ?? container.id)")
        }
        if all {
            for network in try await client.listNetworks(filters: .labels([TwipLabel.environment])) {
                try await client.removeNetwork(network.id)
                note("removed network \(network.name)")
            }
            var images = try await client.listImages(filters: .labels([TwipLabel.environment]))
            if base { images += try await client.listImages(filters: .labels([TwipLabel.base])) }
            for image in images {
                do {
                    try await client.removeImage(image.id, force: true)
                } catch let error as EngineError where error.isNotFound {
                    continue  // already gone with an image removed before it
                }
                report.reclaimed += image.size ?? 0
                note("removed image \(image.repoTags?.first ?? String(image.id.prefix(19)))")
            }
        }
        // Untagged leftovers of twip's builds and of replaced base images; labels keep foreign ones out.
        for label in [TwipLabel.environment, TwipLabel.base] {
            let pruned = try await client.pruneImages(filters: ["dangling": ["true"], "label": [label]])
            for item in pruned.imagesDeleted ?? [] {
                if let deleted = item.deleted { note("removed dangling image \(deleted)") }
            }
            report.reclaimed += pruned.spaceReclaimed
        }
        return report
    }
}
