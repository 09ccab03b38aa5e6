import Foundation

/// The parts of the docker CLI's `config.json` twip reads: the current context and registry credentials.
public struct DockerConfigFile: Sendable, Equatable, Decodable {
    /// One `auths` entry: base64 `user:password`, separate fields, or an identity token.
    public struct AuthEntry: Sendable, Equatable, Decodable {
        public var auth: String?
        public var username: String?
        public var password: String?
        public var identitytoken: String?
    }

    /// The context `docker context use` chose.
    public var currentContext: String?
    /// Credentials stored in the file itself, by registry.
    public var auths: [String: AuthEntry]?
    /// A credential helper per registry (`docker-credential-NAME`).
    public var credHelpers: [String: String]?
    /// The credential helper for every other registry.
    public var credsStore: String?

    /// `$DOCKER_CONFIG`, else `~/.docker` (`homeDirectory` replacing `$HOME`).
    public static func directory(environment: [String: String], homeDirectory: String? = nil) -> String {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty { return directory }
        let home = homeDirectory ?? environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.docker"
    }

    /// Parses a config file's contents.
    public static func decode(_ contents: [UInt8]) throws -> DockerConfigFile {
        try JSONCoding.decoder.decode(DockerConfigFile.self, from: Data(contents))
    }

    /// Reads the file at `path`; nil when there is none.
    public static func load(path: String) throws -> DockerConfigFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try decode(Array(data))
        } catch {
            throw DockerConfigError(path: path, detail: "not a valid Docker config file: \(error)")
        }
    }
}

/// A Docker config or context file that cannot be read or written.
public struct DockerConfigError: Error, Equatable, CustomStringConvertible {
    /// The file concerned.
    public var path: String
    /// What is wrong with it.
    public var detail: String

    /// Renders `PATH: detail`.
    public var description: String { "\(path): \(detail)" }
}
