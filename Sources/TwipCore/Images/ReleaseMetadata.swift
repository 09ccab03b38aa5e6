public import Foundation

/// What an image twip builds says about where it came from, as OCI annotation labels.
public struct ReleaseMetadata: Sendable, Equatable {
    /// The full commit, `-dirty` when the work tree has changes; nil outside a git repository.
    public var revision: String?
    /// When the build started, RFC 3339 in UTC.
    public var created: String
    /// The repository's `origin` remote, or its folder as a `file://` URL.
    public var source: String?
    /// `git describe --tags --always` of the tree, `-dirty` when it has changes.
    public var version: String?

    /// The labels, `org.opencontainers.image.*`.
    public var labels: [String: String] {
        var labels = ["org.opencontainers.image.created": created]
        if let revision { labels["org.opencontainers.image.revision"] = revision }
        if let source { labels["org.opencontainers.image.source"] = source }
        if let version { labels["org.opencontainers.image.version"] = version }
        return labels
    }

    /// `date` as RFC 3339 in UTC, to the second.
    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Reads the metadata of the git work tree holding `directory`; only `created` when git or the tree is missing.
    public static func read(directory: String, now: Date = Date()) async -> ReleaseMetadata {
        var metadata = ReleaseMetadata(created: rfc3339(now))
        func git(_ arguments: String...) async -> String? {
            let command = HostCommand(executable: "/usr/bin/git", arguments: ["-C", directory] + arguments)
            guard let (status, output) = try? await command.run(), status == 0 else { return nil }
            let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
        guard let commit = await git("rev-parse", "HEAD") else { return metadata }
        let dirty = await git("status", "--porcelain") != nil
        metadata.revision = dirty ? commit + "-dirty" : commit
        // Dirty as `status --porcelain` sees it (untracked files too), which `describe --dirty` would not.
        metadata.version = await git("describe", "--tags", "--always").map { dirty ? $0 + "-dirty" : $0 }
        if let remote = await git("config", "--get", "remote.origin.url") {
            metadata.source = remote
        } else if let top = await git("rev-parse", "--show-toplevel") {
            metadata.source = URL(fileURLWithPath: top).absoluteString
        }
        return metadata
    }
}
