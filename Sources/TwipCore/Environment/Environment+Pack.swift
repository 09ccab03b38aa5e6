import DockerEngine
public import Foundation
import TwipStack

/// One image `pack` tagged (and pushed).
public struct PackedImage: Sendable, Hashable, Codable {
    public var service: String
    /// `REGISTRY/twip-SERVICE:TAG`.
    public var reference: String
    /// The registry's manifest digest, when pushed.
    public var digest: String?
    public var pushed: Bool
    /// The local image ID (`sha256:...`).
    public var imageID: String
    /// The image's size in bytes as the engine reports it.
    public var size: Int64?
}

/// What `pack` reports while it works.
public enum PackProgress: Sendable, Hashable {
    case tagged(source: String, reference: String)
    case pushing(String)
    case pushed(reference: String, digest: String?)
}

extension Environment {
    /// Tags the image of every service that builds one as `REGISTRY/twip-SERVICE:TAG` and pushes it unless
    /// `push` is false; credentials come from the Docker config file.
    public func pack(
        registry: String, tag: String, push: Bool, progress: @escaping @Sendable (PackProgress) -> Void
    ) async throws -> [PackedImage] {
        var results: [PackedImage] = []
        for service in stack.services where service.build != nil {
            let source = names.imageReference(for: service)
            let repository = "\(registry)/twip-\(service.name)"
            let image: ImageInspect
            do {
                image = try await session.client.inspectImage(source)
            } catch let error as EngineError where error.isNotFound {
                throw OperationFailure(
                    "image \(source) of service \(service.name) does not exist: run `twip \(names.environment) build`")
            }
            try await session.client.tagImage(source, repository: repository, tag: tag)
            progress(.tagged(source: source, reference: "\(repository):\(tag)"))
            var digest: String?
            if push {
                digest = try await session.client.pushImage(repository, tag: tag) { message in
                    guard let status = message.status else { return }
                    if message.progressDetail != nil && message.progress != nil { return }
                    progress(.pushing("\(message.id.map { "\($0): " } ?? "")\(status)"))
                }
                progress(.pushed(reference: "\(repository):\(tag)", digest: digest))
            }
            results.append(
                PackedImage(
                    service: service.name, reference: "\(repository):\(tag)", digest: digest, pushed: push,
                    imageID: image.id, size: image.size))
        }
        return results
    }
}

/// The tag a release gets by default: the repository's short commit, `-dirty` when the work tree has changes.
public enum ReleaseTag {
    public static func fromGit(directory: String = FileManager.default.currentDirectoryPath) async throws -> String {
        let commit = HostCommand(
            executable: "/usr/bin/git", arguments: ["-C", directory, "rev-parse", "--short", "HEAD"])
        let (status, output) = try await commit.run()
        guard status == 0 else {
            throw UsageFailure("no --tag given and no git commit to take one from (not a git repository?)")
        }
        let changes = try await HostCommand(
            executable: "/usr/bin/git", arguments: ["-C", directory, "status", "--porcelain"]
        ).run()
        let short = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return changes.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? short : short + "-dirty"
    }
}

extension Environment {
    /// Returns every service whose image changed in the last release to the image it ran before (kept as
    /// `REPOSITORY:previous`), then converges: a release like any other, start-first where the proxy follows. The
    /// image left becomes the previous one, so a second rollback goes forward again. Configuration comes from the
    /// stack as it is: rollback swaps images, not stack files.
    @discardableResult
    public func rollback(timeout: Duration = .seconds(300)) async throws -> [String] {
        // A swarm keeps each service's previous spec itself.
        if let swarm { return try await swarm.rollback(deadline: .now + timeout) }
        var swapped: [String] = []
        for service in stack.services {
            let reference = names.imageReference(for: service)
            let (repository, tag) = ContainerBackend.split(reference)
            guard tag != "previous",
                let previous = try? await session.client.inspectImage("\(repository):previous"),
                let current = try? await session.client.inspectImage(reference), previous.id != current.id
            else { continue }
            try await session.client.tagImage(previous.id, repository: repository, tag: tag)
            try await session.client.tagImage(current.id, repository: repository, tag: "previous")
            swapped.append(service.name)
        }
        guard !swapped.isEmpty else {
            throw UsageFailure("\(names.environment): no previous release to return to (no image tagged :previous)")
        }
        try await up(wait: true, timeout: timeout)
        return swapped
    }
}
