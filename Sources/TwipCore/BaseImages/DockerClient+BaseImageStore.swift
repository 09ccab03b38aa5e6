public import DockerEngine
public import Foundation

extension DockerClient: BaseImageStore {
    /// The `io.twip.base` label of `reference`, nil when the engine does not have the image.
    public func baseLabel(of reference: String) async throws -> String? {
        do {
            return try await inspectImage(reference).labels[BaseImageRecipe.label]
        } catch let error as EngineError where error.isNotFound {
            return nil
        }
    }

    /// Streams `root` as a tar archive into `POST /images/create?fromSrc=-`.
    public func importRoot(_ root: URL, repository: String, tag: String, changes: [String]) async throws
        -> (id: String, size: Int64)
    {
        let id = try await importImage(
            DirectoryArchive(root: root.path, preserveOwnership: true).stream().body, repository: repository, tag: tag,
            changes: changes)
        return (id, try await inspectImage(id).size ?? 0)
    }

    /// Tags `id` as `repository:tag`.
    public func tag(_ id: String, repository: String, tag: String) async throws {
        try await tagImage(id, repository: repository, tag: tag)
    }
}
