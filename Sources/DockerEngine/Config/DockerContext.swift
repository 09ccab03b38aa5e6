import Foundation

/// A Docker context as the docker CLI stores it: a name, a description and the engine's endpoint.
public struct DockerContext: Sendable, Equatable {
    /// The context that means "the local engine or DOCKER_HOST"; it is never stored.
    public static let defaultName = "default"

    /// The context's name (`docker context use NAME`).
    public var name: String
    /// The engine's `DOCKER_HOST` spelling (`Endpoints.docker.Host`).
    public var host: String
    /// Free text shown by `docker context ls`.
    public var description: String
    /// True to speak TLS without verifying the server's certificate.
    public var skipTLSVerify: Bool

    /// Creates a context.
    public init(name: String, host: String, description: String = "", skipTLSVerify: Bool = false) {
        self.name = name
        self.host = host
        self.description = description
        self.skipTLSVerify = skipTLSVerify
    }

    /// True when the docker CLI accepts `name` for a new context.
    public static func isValidName(_ name: String) -> Bool {
        guard name != defaultName, let first = name.unicodeScalars.first, name.unicodeScalars.count >= 2 else {
            return false
        }
        func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))
        }
        return isAlphanumeric(first)
            && name.unicodeScalars.dropFirst().allSatisfy { isAlphanumeric($0) || "_.+-".unicodeScalars.contains($0) }
    }
}

/// The contexts under `$DOCKER_CONFIG/contexts`: `meta/<sha256 of name>/meta.json` and
/// `tls/<sha256 of name>/docker/{ca,cert,key}.pem`.
public struct DockerContextStore: Sendable {
    /// The `contexts` directory.
    public var directory: String

    /// The store of the config directory `configDirectory` (`$DOCKER_CONFIG` or `~/.docker`).
    public init(configDirectory: String) {
        self.directory = configDirectory + "/contexts"
    }

    /// The folder name the docker CLI derives from a context's name.
    public static func folderName(for name: String) -> String {
        SHA256.hexDigest(Array(name.utf8))
    }

    /// Where `name`'s meta.json lives.
    public func metaPath(for name: String) -> String {
        "\(directory)/meta/\(Self.folderName(for: name))/meta.json"
    }

    /// Where `name`'s TLS files for the docker endpoint live.
    public func tlsDirectory(for name: String) -> String {
        "\(directory)/tls/\(Self.folderName(for: name))/docker"
    }

    /// Reads the context `name`; nil when it is not stored.
    public func context(named name: String) throws -> DockerContext? {
        let path = metaPath(for: name)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let meta: Meta
        do {
            meta = try JSONCoding.decoder.decode(Meta.self, from: data)
        } catch {
            throw DockerConfigError(path: path, detail: "not a valid context: \(error)")
        }
        guard let endpoint = meta.Endpoints?["docker"], let host = endpoint.Host, !host.isEmpty else {
            throw DockerConfigError(path: path, detail: "context \"\(name)\" has no docker endpoint")
        }
        return DockerContext(
            name: meta.Name ?? name, host: host, description: meta.Metadata?.Description ?? "",
            skipTLSVerify: endpoint.SkipTLSVerify ?? false)
    }

    /// The TLS settings for `context`: its stored CA and client pair, or TLS without verification when it
    /// says `SkipTLSVerify`; nil for plain connections.
    public func tlsMaterial(for context: DockerContext) -> TLSMaterial? {
        let folder = tlsDirectory(for: context.name)
        let files = FileManager.default
        func existing(_ name: String) -> String? {
            files.isReadableFile(atPath: "\(folder)/\(name)") ? "\(folder)/\(name)" : nil
        }
        let ca = existing("ca.pem")
        var cert = existing("cert.pem")
        var key = existing("key.pem")
        if cert == nil || key == nil { (cert, key) = (nil, nil) }
        guard ca != nil || cert != nil || context.skipTLSVerify else { return nil }
        return TLSMaterial(caFile: ca, certificateFile: cert, keyFile: key, verify: !context.skipTLSVerify)
    }

    /// Stores `context` (replacing one of the same name) as the docker CLI does, with optional TLS files
    /// given as PEM text; the folders are private to the user.
    public func write(_ context: DockerContext, tls: [String: String] = [:]) throws {
        guard DockerContext.isValidName(context.name) else {
            throw DockerConfigError(
                path: directory,
                detail: "invalid context name \"\(context.name)\": it must match [a-zA-Z0-9][a-zA-Z0-9_.+-]+ "
                    + "and not be \"default\"")
        }
        let unknown = Set(tls.keys).subtracting(["ca.pem", "cert.pem", "key.pem"])
        guard unknown.isEmpty else {
            throw DockerConfigError(path: directory, detail: "unknown TLS files \(unknown.sorted())")
        }
        let meta = Meta(
            Name: context.name, Metadata: .init(Description: context.description),
            Endpoints: ["docker": .init(Host: context.host, SkipTLSVerify: context.skipTLSVerify)])
        let path = metaPath(for: context.name)
        let tlsFolder = tlsDirectory(for: context.name)
        do {
            let files = FileManager.default
            let privateFolder: [FileAttributeKey: Any] = [.posixPermissions: 0o700]
            try files.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: privateFolder)
            try JSONCoding.encoder.encode(meta).write(to: URL(fileURLWithPath: path), options: .atomic)
            try? files.removeItem(atPath: tlsFolder)
            if !tls.isEmpty {
                try files.createDirectory(
                    atPath: tlsFolder, withIntermediateDirectories: true, attributes: privateFolder)
                for (name, pem) in tls {
                    let file = "\(tlsFolder)/\(name)"
                    try Data(pem.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
                    try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
                }
            }
        } catch {
            throw DockerConfigError(path: path, detail: "cannot write context \"\(context.name)\": \(error)")
        }
    }

    /// Deletes the context `name` and its TLS files; nothing happens when it is not stored.
    public func remove(named name: String) throws {
        let folder = Self.folderName(for: name)
        for path in ["\(directory)/meta/\(folder)", "\(directory)/tls/\(folder)"]
        where FileManager.default.fileExists(atPath: path) {
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw DockerConfigError(path: path, detail: "cannot remove context \"\(name)\": \(error)")
            }
        }
    }

    /// meta.json with the docker CLI's field names.
    private struct Meta: Codable {
        struct Metadata: Codable { var Description: String? }
        struct Endpoint: Codable {
            var Host: String?
            var SkipTLSVerify: Bool?
        }
        var Name: String?
        var Metadata: Metadata?
        var Endpoints: [String: Endpoint]?
    }
}
