import DockerEngine
public import Foundation
public import TwipStack

/// One service of an environment as `status` shows it.
public struct ServiceStatus: Sendable, Hashable, Codable {
    public var service: String
    /// Replicas the stack wants; nil when the environment's stack file is not found.
    public var wanted: Int?
    public var running: Int
    public var healthy: Int
    /// Published ports of its replicas.
    public var ports: [String]
    /// For a proxy: the replicas it sends traffic to, per backend service.
    public var backends: [String: [String]]?
}

/// One twip environment found on the engine.
public struct EnvironmentStatus: Sendable, Hashable, Codable {
    public var environment: String
    /// `stacks/ENV.yml` when that file exists and loads.
    public var stack: String?
    public var services: [ServiceStatus]
}

extension EngineSession {
    /// Every twip environment on the engine, read with the stacks under `stacksDirectory` when they exist.
    public func status(stacksDirectory: String = "stacks") async throws -> [EnvironmentStatus] {
        let containers = try await client.listContainers(all: true, filters: .labels([TwipLabel.environment]))
            .compactMap(ObservedContainer.init).filter { !$0.isHolder }
        var result: [EnvironmentStatus] = []
        for (environment, own) in Dictionary(grouping: containers, by: \.environment).sorted(by: { $0.key < $1.key }) {
            let path = "\(stacksDirectory)/\(environment).yml"
            let stack = try? StackLoader().load(path: path).stack
            let roles = stack.map(ProxyRole.roles(in:)) ?? []
            var names = Set(own.map(\.service))
            names.formUnion(stack?.services.map(\.name) ?? [])
            let services = names.sorted().map { name in
                let replicas = own.filter { $0.service == name }
                let backends = roles.first { $0.service == name }.map { role in
                    Dictionary(
                        role.backends.map { backend in
                            (
                                backend.service,
                                own.filter { $0.service == backend.service && $0.isServing }.map(\.name).sorted()
                            )
                        }, uniquingKeysWith: { first, _ in first })
                }
                return ServiceStatus(
                    service: name, wanted: stack?.service(named: name)?.replicas,
                    running: replicas.filter { $0.state == .running }.count,
                    healthy: replicas.filter { $0.health == .healthy }.count,
                    ports: Array(Set(replicas.flatMap(\.ports).filter(\.isPublished).map(\.description))).sorted(),
                    backends: backends)
            }
            result.append(
                EnvironmentStatus(environment: environment, stack: stack == nil ? nil : path, services: services))
        }
        return result
    }
}

/// The `DOCKER_*` settings `status` may show: none that can carry a secret.
public enum EngineSettings {
    /// The `DOCKER_*` variables of `environment`, without `DOCKER_AUTH_CONFIG` and names containing PASSWORD,
    /// TOKEN, SECRET, AUTH or KEY.
    public static func visible(in environment: [String: String]) -> [String: String] {
        environment.filter { name, _ in
            name.hasPrefix("DOCKER_")
                && !["PASSWORD", "PASS", "TOKEN", "SECRET", "AUTH", "KEY", "CREDENTIAL"].contains { name.contains($0) }
        }
    }
}
