import Foundation

/// Registry credentials sent as the `X-Registry-Auth` header (base64url JSON).
///
/// Printing or dumping a value never shows the password or the identity token.
public struct RegistryAuth: Sendable, Equatable, Codable {
    /// The account name; nil with an identity token.
    public var username: String?
    /// The password or access token (secret).
    public var password: String?
    /// The registry these credentials are for.
    public var serverAddress: String?
    /// An OAuth refresh token the registry exchanges for access (secret).
    public var identityToken: String?

    /// Creates credentials.
    public init(username: String?, password: String?, serverAddress: String?, identityToken: String? = nil) {
        self.username = username
        self.password = password
        self.serverAddress = serverAddress
        self.identityToken = identityToken
    }

    enum CodingKeys: String, CodingKey {
        case username, password
        case serverAddress = "serveraddress"
        case identityToken = "identitytoken"
    }

    /// The header value: base64url of the JSON credentials.
    public var headerValue: String { Self.base64URL(Array(JSONCoding.string(self).utf8)) }

    /// The header value sent when no credentials are known (the engine requires the header on push).
    static let anonymousHeaderValue = base64URL(Array("{}".utf8))

    /// The registry part of a repository name (`localhost:5000/app` -> `localhost:5000`), Docker Hub otherwise.
    public static func registry(of repository: String) -> String {
        guard let slash = repository.firstIndex(of: "/") else { return "https://index.docker.io/v1/" }
        let first = repository[..<slash]
        if first.contains(".") || first.contains(":") || first == "localhost" { return String(first) }
        return "https://index.docker.io/v1/"
    }

    /// Reads `registry`'s credentials from the `auths` of a Docker config file (the default one when nil).
    public static func fromDockerConfig(registry: String, configPath: String? = nil) -> RegistryAuth? {
        let path = configPath ?? defaultConfigPath()
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return fromDockerConfig(registry: registry, contents: Array(data))
    }

    /// Parses a Docker config file's contents for `registry`'s credentials in `auths`.
    public static func fromDockerConfig(registry: String, contents: [UInt8]) -> RegistryAuth? {
        guard let config = try? DockerConfigFile.decode(contents) else { return nil }
        return fromAuths(config.auths ?? [:], registry: registry)
    }

    /// `registry`'s entry in `auths`, under any of the spellings the docker CLI writes.
    static func fromAuths(_ auths: [String: DockerConfigFile.AuthEntry], registry: String) -> RegistryAuth? {
        let candidates = [
            registry, "https://\(registry)", "http://\(registry)", "https://\(registry)/v1/", "\(registry)/v1/",
        ]
        guard let entry = candidates.lazy.compactMap({ auths[$0] }).first else { return nil }
        if let token = entry.identitytoken, !token.isEmpty {
            return RegistryAuth(username: nil, password: nil, serverAddress: registry, identityToken: token)
        }
        if let auth = entry.auth, !auth.isEmpty {
            guard let decoded = Data(base64Encoded: auth) else { return nil }
            let text = String(decoding: decoded, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { return nil }
            return RegistryAuth(
                username: String(text[..<colon]), password: String(text[text.index(after: colon)...]),
                serverAddress: registry)
        }
        guard let username = entry.username, !username.isEmpty else { return nil }
        return RegistryAuth(username: username, password: entry.password, serverAddress: registry)
    }

    static func defaultConfigPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty { return directory + "/config.json" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.docker/config.json"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_")
    }
}
