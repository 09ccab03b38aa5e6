import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A client for the Docker Engine HTTP API over a unix socket, TCP, TLS or ssh; call `shutdown()` when done.
public final class DockerClient: Sendable {
    /// The newest API version twip speaks; older engines are spoken to in their own version.
    public static let maximumAPIVersion = APIVersion(major: 1, minor: 43)

    /// The engine this client talks to.
    public let host: DockerHost
    let http: HTTPClient
    let logger: Logger
    private let negotiated = Mutex<APIVersion?>(nil)
    /// The relay to ssh for `ssh://` hosts.
    let tunnel: SSHTunnel?
    /// Why the TLS certificates could not be loaded, reported by the first request.
    private let tlsProblem: String?

    /// Creates a client for `host`; no connection is made (and no ssh started) until the first request.
    public init(host: DockerHost, logger: Logger = Logger(label: "twip.engine")) {
        self.host = host
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        var tlsProblem: String?
        if case .tls(_, _, let material) = host {
            do {
                configuration.tlsConfiguration = try Self.tlsConfiguration(material)
            } catch {
                tlsProblem = "cannot load the TLS certificates: \(error)"
            }
        }
        self.tlsProblem = tlsProblem
        if case .ssh(let destination) = host {
            tunnel = SSHTunnel(destination: destination)
        } else {
            tunnel = nil
        }
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        // Followed logs and event streams each hold a connection for as long as they run; `logs -f` over a
        // scaled stack must not starve every other request behind AsyncHTTPClient's default of 8.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        self.http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// Creates a client for the host named by `DOCKER_HOST` in `environment` (the process environment when nil).
    public convenience init(
        environment: [String: String]? = nil,
        logger: Logger = Logger(label: "twip.engine")
    ) throws(DockerHostError) {
        let host = try DockerHost(environment: environment ?? ProcessInfo.processInfo.environment)
        self.init(host: host, logger: logger)
    }

    /// Sizes the event loops every client shares to one thread; call it first thing in `main`, before any client
    /// exists. A command-line process makes a few requests at a time, and a thread per core only costs start time.
    public static func useOneEventLoop() {
        NIOSingletons.groupLoopCountSuggestion = 1
    }

    /// Runs `body` with a client for `host` and shuts the client down afterwards, whether `body` throws or not.
    public static func withClient<Result>(
        host: DockerHost, logger: Logger = Logger(label: "twip.engine"),
        _ body: (DockerClient) async throws -> Result
    ) async throws -> Result {
        let client = DockerClient(host: host, logger: logger)
        let result: Result
        do {
            result = try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return result
    }

    /// Closes every connection (and ends the ssh processes); the client cannot be used afterwards.
    public func shutdown() async throws {
        do {
            try await http.shutdown()
        } catch {
            await tunnel?.close()
            throw error
        }
        await tunnel?.close()
    }

    /// AsyncHTTPClient's TLS settings for `material`: its CA (or the system's roots), its client certificate,
    /// and no verification when the operator asked for none.
    static func tlsConfiguration(_ material: TLSMaterial) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !material.verify {
            configuration.certificateVerification = .none
        } else if let ca = material.caFile {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        }
        if let certificate = material.certificateFile, let key = material.keyFile {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        return configuration
    }

    /// The URL prefix for requests: the host's own, or the ssh tunnel's socket.
    private func baseURL() async throws -> String {
        if let url = host.baseURL { return url }
        guard let tunnel else { throw EngineUnreachable(host: host, reason: .other("no ssh tunnel")) }
        do {
            return DockerHost.unixURL(path: try await tunnel.socketPath())
        } catch {
            throw EngineUnreachable(host: host, reason: .other("\(error)"))
        }
    }

    /// The API version used for requests: min(engine's version, `maximumAPIVersion`), negotiated once.
    public func apiVersion() async throws -> APIVersion {
        if let known = negotiated.withLock({ $0 }) { return known }
        let ping = try await ping()
        let version = min(ping.apiVersion ?? APIVersion(major: 1, minor: 41), Self.maximumAPIVersion)
        negotiated.withLock { $0 = version }
        return version
    }

    /// Asks the engine whether it is alive (`GET /_ping`, unversioned) and which API version it speaks.
    public func ping() async throws -> PingResult {
        let response = try await send(EngineRequest(.GET, "/_ping", operation: "ping"), versioned: false)
        _ = try await response.body.collect(upTo: 1 << 16)
        // The answer names the engine's API version: the first ping settles the negotiation, so a command that
        // checks the engine first pays no second round trip for it.
        if let engine = response.headers.first(name: "API-Version").flatMap(APIVersion.init(parsing:)) {
            negotiated.withLock { $0 = $0 ?? min(engine, Self.maximumAPIVersion) }
        }
        return PingResult(
            apiVersion: response.headers.first(name: "API-Version").flatMap(APIVersion.init(parsing:)),
            osType: response.headers.first(name: "OSType"),
            server: response.headers.first(name: "Server")
        )
    }

    // MARK: Request plumbing

    /// Sends a request and returns the response once its head arrives; error statuses throw `EngineError`.
    /// `deadline` bounds the whole exchange, body included (nil: none, for streams).
    func send(_ request: EngineRequest, versioned: Bool = true, deadline: Duration? = nil) async throws
        -> HTTPClientResponse
    {
        if let tlsProblem { throw EngineUnreachable(host: host, reason: .tls(tlsProblem)) }
        let prefix = versioned ? "/v\(try await apiVersion())" : ""
        var httpRequest = HTTPClientRequest(url: try await baseURL() + prefix + request.pathWithQuery)
        httpRequest.method = request.method
        // AsyncHTTPClient sends no Host for http+unix URLs, and the engine rejects requests without one.
        httpRequest.headers.add(name: "Host", value: host.hostHeader)
        for (name, value) in request.headers { httpRequest.headers.add(name: name, value: value) }
        if let body = request.body {
            if httpRequest.headers["Content-Type"].isEmpty {
                httpRequest.headers.add(name: "Content-Type", value: body.contentType)
            }
            httpRequest.body = body.body
        }
        let response: HTTPClientResponse
        do {
            let until = deadline.map { NIODeadline.now() + .nanoseconds(Int64($0.components.seconds) * 1_000_000_000) }
            response = try await http.execute(httpRequest, deadline: until ?? .distantFuture, logger: logger)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw EngineTimeout(operation: request.operation, object: request.object, deadline: deadline ?? .zero)
        } catch {
            if let reason = Self.unreachableReason(for: error) { throw EngineUnreachable(host: host, reason: reason) }
            if let tunnel, Self.isClosedConnection(error) {
                // ssh ended before the engine answered: its own message says why (auth, host key, no docker).
                let said = tunnel.lastError().map { ": \($0)" } ?? ""
                throw EngineUnreachable(host: host, reason: .other("ssh closed the connection\(said)"))
            }
            throw error
        }
        guard response.status.code < 400 else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw EngineError(
                operation: request.operation, object: request.object, status: Int(response.status.code),
                message: EngineError.message(fromBody: Array(buffer: body)))
        }
        return response
    }

    /// Sends a request and returns the whole response body.
    func data(_ request: EngineRequest, limit: Int = 64 << 20) async throws -> [UInt8] {
        let response = try await send(request, deadline: request.deadline)
        do {
            return Array(buffer: try await response.body.collect(upTo: limit))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw EngineTimeout(
                operation: request.operation, object: request.object, deadline: request.deadline ?? .zero)
        }
    }

    /// Sends a request and decodes its JSON body.
    func decode<T: Decodable>(_ type: T.Type, _ request: EngineRequest) async throws -> T {
        let bytes = try await data(request)
        do {
            return try JSONCoding.decode(T.self, from: bytes)
        } catch {
            throw EngineResponseError(operation: request.operation, detail: "\(error)")
        }
    }

    /// Sends a request and drains its body, for endpoints answering 204 or a body twip ignores.
    func perform(_ request: EngineRequest) async throws {
        _ = try await data(request)
    }

    /// Classifies connection failures from NIO/AsyncHTTPClient; nil when the error is not about reaching the engine.
    static func unreachableReason(for error: any Error) -> EngineUnreachable.Reason? {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ENOENT, ENOTDIR: return .noSuchSocket
            case ECONNREFUSED: return .connectionRefused
            case EACCES, EPERM: return .permissionDenied
            case ETIMEDOUT: return .timeout
            case EHOSTUNREACH, ENETUNREACH: return .other("host unreachable")
            default: return nil
            }
        }
        if let connection = error as? NIOConnectionError {
            for failure in connection.connectionErrors {
                if let reason = unreachableReason(for: failure.error) { return reason }
            }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return .other("cannot resolve \(connection.host)")
            }
            return .other("\(connection)")
        }
        if let ssl = error as? NIOSSLError { return .tls(tlsReason("\(ssl)")) }
        // With TLS 1.3 the server's refusal of the client (no certificate) arrives as an alert after the handshake.
        if let ssl = error as? BoringSSLError { return .tls(tlsReason("\(ssl)")) }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return .tls("certificate verification failed: the server's certificate does not name this host")
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return .timeout }
        if let client = error as? HTTPClientError, client == .connectTimeout { return .timeout }
        return nil
    }

    /// Says why a TLS handshake failed in operator's words, keeping BoringSSL's reason codes
    /// (`CERTIFICATE_VERIFY_FAILED`) but not its source locations.
    static func tlsReason(_ detail: String) -> String {
        var codes: [String] = []
        var rest = Substring(detail)
        while let marker = rest.range(of: "OPENSSL_internal:") {
            let code = rest[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !code.isEmpty && !codes.contains(String(code)) { codes.append(String(code)) }
            rest = rest[marker.upperBound...]
        }
        let reasons = codes.isEmpty ? detail : codes.joined(separator: ", ")
        if codes.contains("CERTIFICATE_VERIFY_FAILED") {
            return "certificate verification failed: the server's certificate is not signed by the trusted CA "
                + "(\(reasons))"
        }
        return "TLS handshake failed (\(reasons))"
    }

    /// True when the connection ended before a response arrived.
    static func isClosedConnection(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError {
            return client == .remoteConnectionClosed
        }
        if let channel = error as? ChannelError { return channel == .eof || channel == .ioOnClosedChannel }
        return false
    }
}

/// What `GET /_ping` told about the engine.
public struct PingResult: Sendable, Equatable {
    /// The engine's newest API version (`API-Version` header).
    public var apiVersion: APIVersion?
    /// The engine's operating system (`OSType` header).
    public var osType: String?
    /// The `Server` header, e.g. `Docker/20.10.24+dfsg1 (linux)`.
    public var server: String?
}

/// An Engine API version such as 1.41.
public struct APIVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major number (1).
    public var major: Int
    /// The minor number (41).
    public var minor: Int

    /// Creates a version from its numbers.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `1.41`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    /// Orders by major then minor.
    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// Renders `1.41`.
    public var description: String { "\(major).\(minor)" }
}
