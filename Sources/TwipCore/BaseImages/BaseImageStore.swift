public import Foundation

/// Where base images go: the three engine operations `BaseImageBuilder` needs.
///
/// `DockerClient` is the real one; a test double checks the kept/built decisions without an engine.
public protocol BaseImageStore: Sendable {
    /// The `io.twip.base` label of image `reference`, or nil when the image is missing or has no such label.
    func baseLabel(of reference: String) async throws -> String?
    /// Imports the root filesystem at `root` as `repository:tag` with `changes`; returns its id and size in bytes.
    func importRoot(_ root: URL, repository: String, tag: String, changes: [String]) async throws
        -> (id: String, size: Int64)
    /// Tags image `id` as `repository:tag`.
    func tag(_ id: String, repository: String, tag: String) async throws
}
