import Foundation

/// A Docker build context: a directory sent as a streamed tar, filtered by its `.dockerignore`.
public struct BuildContext: Sendable {
    /// The context directory.
    public var directory: String
    /// The Dockerfile's path relative to the context, always sent.
    public var dockerfile: String
    /// Use this mtime for every entry instead of the real one.
    public var fixedMtime: Int?

    /// Creates a context for `directory`.
    public init(directory: String, dockerfile: String = "Dockerfile", fixedMtime: Int? = nil) {
        self.directory = directory
        self.dockerfile = dockerfile
        self.fixedMtime = fixedMtime
    }

    /// The ignore rules from `.dockerignore` (none when the file is absent), with the Dockerfile and
    /// `.dockerignore` always kept.
    public func ignoreRules() throws -> DockerIgnore {
        let path = directory + "/.dockerignore"
        var rules = DockerIgnore(contents: "")
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TarError(path: path, reason: "cannot read")
            }
            rules = DockerIgnore(contents: String(decoding: data, as: UTF8.self))
        }
        rules.alwaysInclude([dockerfile, ".dockerignore"])
        return rules
    }

    /// The entries sent to the engine.
    public func items() throws -> [TarItem] {
        let rules = try ignoreRules()
        return try DirectoryArchive(root: directory, preserveOwnership: false, fixedMtime: fixedMtime).items(
            isExcluded: { rules.excludes($0) }, mayContainIncluded: { rules.mayReinclude(under: $0) })
    }

    /// The context as a tar stream, read from disk while it is sent.
    public func stream() throws -> TarStream { TarStream(items: try items()) }
}
