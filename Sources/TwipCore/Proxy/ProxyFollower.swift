public import DockerEngine
import Foundation

/// Keeps every running proxy of an environment sending traffic to exactly its live, healthy replicas.
///
/// The backends file is always rewritten (so a restarted proxy starts right); an HAProxy with a runtime API is
/// then changed in place (servers added, put in maintenance, deleted: no reload, no connection closed), any other
/// proxy reloads hitlessly on its signal.
public struct ProxyFollower: Sendable {
    public let client: DockerClient
    public let names: EnvironmentNames
    public let roles: [ProxyRole]
    /// One sync at a time: services of one start wave release side by side, and two syncs racing would both
    /// add the same server.
    let gate = SyncGate()

    public init(client: DockerClient, names: EnvironmentNames, roles: [ProxyRole]) {
        self.client = client
        self.names = names
        self.roles = roles
    }

    /// The backends `role` must list: each proxied service's serving replicas, minus `excluding` (container names),
    /// lowest replica first. Pure.
    public static func backends(
        for role: ProxyRole, observed: [ObservedContainer], excluding: Set<String>, network: String
    ) -> [ProxyBackend] {
        role.backends.map { backend in
            let servers =
                observed
                .filter { $0.service == backend.service && $0.isServing && !excluding.contains($0.name) }
                .sorted { $0.replica < $1.replica }
                .compactMap { container in
                    container.address(preferring: network).map { ProxyServer(name: container.name, address: $0) }
                }
            return ProxyBackend(
                service: backend.service, port: backend.port, healthPath: backend.healthPath, sticky: backend.sticky,
                servers: servers)
        }
    }

    /// Brings every running proxy to the serving replicas, minus those that were told to leave and have not
    /// been told to rejoin, one sync at a time. Leaving is remembered across syncs (services released side by side
    /// sync concurrently: one must not bring back what another just took out). `observe` is called once the sync's
    /// turn has come, so it sees what the syncs before it left.
    public func sync(
        leaving: Set<String> = [], rejoining: Set<String> = [],
        observe: @Sendable () async throws -> [ObservedContainer]
    ) async throws {
        try await gate.run { excluded in
            excluded.formUnion(leaving)
            excluded.subtract(rejoining)
            try await sync(observed: try await observe(), excluding: excluded)
        }
    }

    func sync(observed: [ObservedContainer], excluding: Set<String>) async throws {
        for role in roles {
            for proxy in observed where proxy.service == role.service && proxy.state == .running {
                let backends = Self.backends(
                    for: role, observed: observed, excluding: excluding, network: names.network("default"))
                let changed = try await write(role, backends: backends, into: proxy.id)
                if role.kind == .haproxy, let endpoint = proxy.runtime ?? role.runtime {
                    let runtime = HAProxyRuntime(client: client, container: proxy.id, endpoint: endpoint)
                    // Replicas out of rotation whose containers still run are draining: kept in maintenance.
                    let draining = Set(observed.filter { $0.state.isUp }.map(\.name))
                    for backend in backends {
                        try await runtime.reconcile(
                            backend: backend.service, port: backend.port, wanted: backend.servers, draining: draining,
                            check: backend.healthPath != nil)
                    }
                } else if changed {
                    // A reload closes idle client connections: only when the servers changed.
                    try await client.killContainer(proxy.id, signal: role.reloadSignal)
                }
            }
        }
    }

    /// Writes the backends file of a proxy that is about to start, so it starts with the right servers.
    public func prepare(_ containerID: String, service: String, observed: [ObservedContainer]) async throws {
        guard let role = roles.first(where: { $0.service == service }) else { return }
        let backends = Self.backends(
            for: role, observed: observed, excluding: [], network: names.network("default"))
        try await write(role, backends: backends, into: containerID)
    }

    /// Writes the backends file unless it already holds the same text; returns whether it changed.
    @discardableResult
    func write(_ role: ProxyRole, backends: [ProxyBackend], into containerID: String) async throws -> Bool {
        let text = Array(ProxyConfig.render(role.kind, backends: backends, environment: names.environment).utf8)
        if let current = try? await client.getArchive(containerID, path: role.configPath),
            Self.firstFile(inTar: current) == text
        {
            return false
        }
        let directory = (role.configPath as NSString).deletingLastPathComponent
        let file = (role.configPath as NSString).lastPathComponent
        let archive = TarStream(items: [.file(file, contents: text, mode: 0o644)])
        try await client.putArchive(containerID, path: directory, archive: archive.body)
        return true
    }

    /// The contents of the first entry of a tar archive (ustar: the size is octal at offset 124), nil when the
    /// archive is too short or its header unreadable.
    static func firstFile(inTar tar: [UInt8]) -> [UInt8]? {
        guard tar.count >= 512 else { return nil }
        let field = tar[124..<136].prefix { $0 != 0 && $0 != UInt8(ascii: " ") }
        guard let size = Int(String(decoding: field, as: UTF8.self), radix: 8), tar.count >= 512 + size else {
            return nil
        }
        return Array(tar[512..<(512 + size)])
    }
}

/// Runs one sync at a time, in arrival order, and keeps the names that left the proxies.
actor SyncGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var excluded: Set<String> = []

    func run(_ operation: @Sendable (inout Set<String>) async throws -> Void) async throws {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        var names = excluded
        defer { excluded = names }
        try await operation(&names)
    }
}
