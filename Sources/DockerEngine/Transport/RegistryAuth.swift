import Foundation

/// Registry credentials sent as the `X-Registry-Auth` header (base64url JSON).
public struct RegistryAuth: Sendable, Equatable, Codable {
    public var username: String?
    public var password: String?
    public var serverAddress: String?
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

    /// Reads `auths[registry].auth` (base64 `user:password`) from a Docker config file.
    public static func fromDockerConfig(registry: String, configPath: String? = nil) -> RegistryAuth? {
        let path = configPath ?? defaultConfigPath()
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return fromDockerConfig(registry: registry, contents: Array(data))
    }

    /// Parses a Docker config file's contents for `registry`'s credentials.
    public static func fromDockerConfig(registry: String, contents: [UInt8]) -> RegistryAuth? {
        struct Config: Decodable {
            struct Entry: Decodable {
                var auth: String?
                var identitytoken: String?
            }
            var auths: [String: Entry]?
        }
        guard let config = try? JSONCoding.decoder.decode(Config.self, from: Data(contents)), let auths = config.auths
        else { return nil }
        let candidates = [
            registry, "https://\(registry)", "http://\(registry)", "https://\(registry)/v1/", "\(registry)/v1/",
        ]
        guard let entry = candidates.lazy.compactMap({ auths[$0] }).first else { return nil }
        if let token = entry.identitytoken, !token.isEmpty {
            return RegistryAuth(username: nil, password: nil, serverAddress: registry, identityToken: token)
        }
        guard let auth = entry.auth, let decoded = Data(base64Encoded: auth) else { return nil }
        let text = String(decoding: decoded, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return RegistryAuth(
            username: String(text[..<colon]), password: String(text[text.index(after: colon)...]),
            serverAddress: registry)
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
