/// The engine answered a request with an error status; carries the engine's own message.
public struct EngineError: Error, Equatable, CustomStringConvertible {
    /// What twip was doing, e.g. "create container".
    public var operation: String
    /// The object it was doing it to, e.g. "prod-web-2"; nil when the operation has no single object.
    public var object: String?
    /// The HTTP status code the engine answered with (200 for failures reported inside a stream).
    public var status: Int
    /// The engine's message from its JSON error body (or the raw body when it is not JSON).
    public var message: String

    /// Creates an engine error.
    public init(operation: String, object: String? = nil, status: Int, message: String) {
        self.operation = operation
        self.object = object
        self.status = status
        self.message = message
    }

    /// True when the engine said the object does not exist (404).
    public var isNotFound: Bool { status == 404 }

    /// True when the engine refused because of a conflict such as a name in use (409).
    public var isConflict: Bool { status == 409 }

    /// Renders `create container prod-web-2: 409 Conflict: <engine message>`.
    public var description: String {
        var text = operation
        if let object, !object.isEmpty { text += " \(object)" }
        text += ": "
        if status != 200 {
            text += "\(status)"
            if let reason = Self.reasonPhrases[status] { text += " \(reason)" }
            text += ": "
        }
        return text + message
    }

    /// Decodes the engine's `{"message": "..."}` error body, falling back to the raw text.
    static func message(fromBody body: [UInt8]) -> String {
        struct Body: Decodable { var message: String? }
        if let decoded = try? JSONCoding.decode(Body.self, from: body), let message = decoded.message {
            return message.trimmingTrailingNewlines()
        }
        let text = String(decoding: body, as: UTF8.self).trimmingTrailingNewlines()
        return text.isEmpty ? "(empty response)" : text
    }

    static let reasonPhrases: [Int: String] = [
        304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        406: "Not Acceptable", 409: "Conflict", 500: "Internal Server Error", 503: "Service Unavailable",
    ]
}

/// The engine could not be reached at all: no socket, refused, permission denied, timed out, TLS or ssh failed.
public struct EngineUnreachable: Error, Equatable, CustomStringConvertible {
    /// Why the connection failed.
    public enum Reason: Sendable, Equatable {
        case noSuchSocket
        case connectionRefused
        case permissionDenied
        case timeout
        /// The TLS handshake failed, e.g. the server's certificate is not signed by the trusted CA.
        case tls(String)
        case other(String)
    }

    /// The host that was tried.
    public var host: DockerHost
    /// Why it failed.
    public var reason: Reason

    /// Creates an unreachable-engine error.
    public init(host: DockerHost, reason: Reason) {
        self.host = host
        self.reason = reason
    }

    /// Says which host failed, why, and what to do about it.
    public var description: String {
        let address = host.address
        switch reason {
        case .noSuchSocket:
            return "Docker engine unreachable: no such socket \(address); \(hint)"
        case .connectionRefused:
            return "Docker engine unreachable: connection refused on \(address); \(hint)"
        case .permissionDenied:
            return "permission denied on \(address): run as root or join the docker group"
        case .timeout:
            return "Docker engine unreachable: timed out connecting to \(address); \(hint)"
        case .tls(let why):
            return "Docker engine unreachable at \(host): \(why); \(hint)"
        case .other(let why):
            return "Docker engine unreachable at \(host.isLocalSocket ? address : host.description): \(why); \(hint)"
        }
    }

    /// What the operator can do: start the local engine, or check how the remote one is reached.
    private var hint: String {
        switch host {
        case .unix, .tcp: "start it with `twip setup`"
        case .tls: "check the certificates in DOCKER_CERT_PATH or the context's TLS files"
        case .ssh(let destination):
            "check that `\(destination.command.joined(separator: " "))` works (it needs docker on the remote host)"
        }
    }
}

/// The engine's answer could not be understood (bad JSON, unexpected shape).
public struct EngineResponseError: Error, CustomStringConvertible {
    /// What twip was doing.
    public var operation: String
    /// What was wrong with the answer.
    public var detail: String

    /// Renders `inspect container: unexpected response: detail`.
    public var description: String { "\(operation): unexpected response from the engine: \(detail)" }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == " " { text = text.dropLast() }
        return String(text)
    }
}

/// The engine took the request but did not answer it in time.
public struct EngineTimeout: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var object: String?
    public var deadline: Duration

    public var description: String {
        "\(operation)\(object.map { " \($0)" } ?? ""): the engine did not answer within "
            + "\(deadline.components.seconds) s"
    }
}
