public import TwipStack

/// Decides what must change so the engine matches the stack: pure functions of (stack, observed state) -> plan.
///
/// The plan holds every step in order — networks and volumes, removals, creations, replacements, the proxy
/// taking replicas in and out, the waits — each with its cause; the executor only carries steps out.
public struct Planner: Sendable {
    public var stack: Stack
    public var names: EnvironmentNames
    public var proxies: [ProxyRole]
    /// Variables for `environment` entries written without a value (`- FOO`).
    public var processEnvironment: [String: String]

    public init(stack: Stack, names: EnvironmentNames, proxies: [ProxyRole], processEnvironment: [String: String] = [:])
    {
        self.stack = stack
        self.names = names
        self.proxies = proxies
        self.processEnvironment = processEnvironment
    }

    /// Whether `service` is a proxy replaced by generations (one replica; a holder container owns its ports and
    /// network namespace): an HAProxy with a runtime API hands its listening sockets over to the next generation, an
    /// nginx front starts its next generation listening beside it (`reuseport`), so that replacing it refuses no
    /// connection.
    public func handsOver(_ service: Service) -> Bool { Self.handsOver(service, proxies: proxies) }

    /// The rule behind `handsOver(_:)`, for the backend too.
    public static func handsOver(_ service: Service, proxies: [ProxyRole]) -> Bool {
        service.replicas == 1
            && proxies.contains { role in
                role.service == service.name && (role.kind == .nginx || role.runtime != nil)
            }
    }

    /// Whether some proxy sends traffic to `service`.
    public func isProxied(_ service: String) -> Bool {
        proxies.contains { $0.backends.contains { $0.service == service } }
    }

    func imageReference(for service: Service) -> String { names.imageReference(for: service) }

    /// The configuration hash of `service`'s replicas (what reaches the container; the replica count left out).
    public func configHash(for service: Service) -> String {
        service.configHash(resolving: processEnvironment)
    }

    /// What the stack wants of `services`, with the image IDs the observed state found for their references.
    public func desired(_ services: [Service], observed: ObservedState) -> [DesiredService] {
        services.map {
            DesiredService(
                name: $0.name, replicas: $0.replicas, configHash: configHash(for: $0),
                imageID: observed.images[imageReference(for: $0)])
        }
    }

    /// The selected services plus everything they depend on, transitively (all services when nil).
    public func closure(of selection: [String]?) -> Set<String> {
        guard let selection else { return Set(stack.services.map(\.name)) }
        var result = Set<String>()
        var queue = selection
        while let name = queue.popLast() {
            guard result.insert(name).inserted, let service = stack.service(named: name) else { continue }
            queue += service.dependsOn.map(\.service)
        }
        return result
    }

    // MARK: - Replica differences

    /// The replica-level differences between `desired` services and the `observed` containers of the environment.
    ///
    /// Containers of services not in `desired` are orphans and removed, unless `keepOrphans` (used when an
    /// operator acts on a subset of services). Highest replica numbers go first, so survivors stay numbered 1...N.
    public static func diff(
        desired: [DesiredService], observed: [ObservedContainer], keepOrphans: Bool = false
    ) -> Plan {
        var plan = Plan()
        let wanted = Set(desired.map(\.name))
        let byService = Dictionary(grouping: observed, by: \.service)

        for service in desired {
            // Of several containers with one replica number (a release interrupted half-way), the one already as
            // wanted and running is kept.
            func rank(_ container: ObservedContainer) -> Int {
                let current =
                    container.configHash == service.configHash
                    && (service.imageID == nil || service.imageID == container.imageID)
                return (current ? 0 : 2) + (container.state == .running ? 0 : 1)
            }
            let containers = (byService[service.name] ?? []).sorted {
                ($0.replica, rank($0), $0.id) < ($1.replica, rank($1), $1.id)
            }
            var seen = Set<Int>()
            var keep: [ObservedContainer] = []
            for container in containers {
                if !seen.insert(container.replica).inserted {
                    plan.actions.append(.remove(container, reason: .duplicate))
                } else {
                    keep.append(container)
                }
            }
            let above = keep.filter { $0.replica > service.replicas || $0.replica < 1 }
            for container in above.sorted(by: { $0.replica > $1.replica }) {
                plan.actions.append(.remove(container, reason: .scaledDown))
            }
            let present = Dictionary(
                keep.filter { (1...max(service.replicas, 1)).contains($0.replica) && $0.replica <= service.replicas }
                    .map { ($0.replica, $0) },
                uniquingKeysWith: { first, _ in first })
            guard service.replicas >= 1 else { continue }
            for replica in 1...service.replicas {
                guard let container = present[replica] else {
                    plan.actions.append(.create(service: service.name, replica: replica))
                    continue
                }
                if container.configHash != service.configHash {
                    plan.actions.append(.recreate(container, reason: .configChanged))
                } else if let image = service.imageID, image != container.imageID {
                    plan.actions.append(.recreate(container, reason: .imageChanged))
                } else if container.state == .dead {
                    plan.actions.append(.recreate(container, reason: .failed))
                } else if container.state == .created || container.state == .exited {
                    plan.actions.append(.start(container))
                } else {
                    plan.unchanged.append(container)
                }
            }
        }
        if !keepOrphans {
            let orphans = observed.filter { !wanted.contains($0.service) }
                .sorted { ($0.service, -$0.replica) < ($1.service, -$1.replica) }
            for container in orphans {
                plan.actions.append(.remove(container, reason: .orphan))
            }
        }
        return plan
    }
}
