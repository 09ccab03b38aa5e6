/// Decides what must change so the engine matches the stack: a pure function of (stack, observed containers).
public struct Planner: Sendable {
    public init() {}

    /// Plans the changes for `desired` services against the `observed` containers of the same environment.
    ///
    /// Containers of services not in `desired` are orphans and removed, unless `keepOrphans` (used when an
    /// operator acts on a subset of services).
    public func plan(
        desired: [DesiredService], observed: [ObservedContainer], keepOrphans: Bool = false
    ) -> Plan {
        var plan = Plan()
        let wanted = Set(desired.map(\.name))
        let byService = Dictionary(grouping: observed, by: \.service)

        for service in desired {
            let containers = (byService[service.name] ?? []).sorted { ($0.replica, $0.id) < ($1.replica, $1.id) }
            var seen = Set<Int>()
            var keep: [ObservedContainer] = []
            for container in containers {
                if !seen.insert(container.replica).inserted {
                    plan.actions.append(.remove(container, reason: .duplicate))
                } else {
                    keep.append(container)
                }
            }
            // Highest replica numbers go first, so the survivors stay numbered 1...N.
            let above = keep.filter { $0.replica > service.replicas || $0.replica < 1 }
            for container in above.sorted(by: { $0.replica > $1.replica }) {
                plan.actions.append(.remove(container, reason: .scaledDown))
            }
            var present: [Int: ObservedContainer] = [:]
            for container in keep where (1...max(service.replicas, 1)).contains(container.replica) {
                if container.replica <= service.replicas { present[container.replica] = container }
            }
            if service.replicas >= 1 {
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
