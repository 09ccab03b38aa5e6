import TwipYAML

/// The keys of a stack that only a swarm acts on: the orchestrator choice, the registry, and the swarm part of
/// `deploy`.
extension StackDecoder {
    /// The top-level extension that says how twip runs the stack.
    static let twipExtensionKey = "x-twip"
    /// `deploy` keys decoded here, beside `replicas`, `resources` and `update_config`.
    static let swarmDeployKeys = [
        "mode", "placement", "restart_policy", "rollback_config", "labels", "endpoint_mode",
    ]

    /// Reads `x-twip: {orchestrator: containers|swarm, registry: HOST[:PORT]}`; containers and no registry when
    /// the extension is absent.
    func decodeTwipExtension(_ root: Node, into stack: inout Stack) {
        guard case .mapping(let pairs) = root.content,
            let node = pairs.first(where: { $0.key.stackScalarText == Self.twipExtensionKey })?.value,
            !node.stackIsNull
        else { return }
        let path = Self.twipExtensionKey
        for (key, value, _) in context.entries(node, path, known: ["orchestrator", "registry"]) ?? [] {
            let p = joinPath(path, key)
            guard let text = context.string(value, p) else { continue }
            switch key {
            case "orchestrator":
                if let chosen = Orchestrator(rawValue: text) {
                    stack.orchestrator = chosen
                } else {
                    context.report(value, p, "invalid orchestrator \"\(text)\": expected containers or swarm")
                }
            default:
                if let problem = RegistryAddress.problem(text) {
                    context.report(value, p, problem)
                } else {
                    stack.registry = text
                }
            }
        }
    }

    /// Decodes one of `swarmDeployKeys` into `deploy.swarm`.
    func decodeSwarmDeploy(_ key: String, _ value: Node, _ path: String, into deploy: inout Deploy) {
        switch key {
        case "mode":
            deploy.swarm.mode = choice(value, path, SwarmDeploy.Mode.self, "mode")
        case "endpoint_mode":
            deploy.swarm.endpointMode = choice(value, path, SwarmDeploy.EndpointMode.self, "endpoint_mode")
        case "labels":
            deploy.swarm.labels = context.stringMap(value, path) ?? [:]
        case "placement":
            let known = ["constraints", "max_replicas_per_node", "preferences"]
            for (k, v, _) in context.entries(value, path, known: known) ?? [] {
                let p = joinPath(path, k)
                switch k {
                case "constraints": deploy.swarm.placementConstraints = decodeConstraints(v, p)
                case "max_replicas_per_node": deploy.swarm.maxReplicasPerNode = context.int(v, p, minimum: 1)
                default: context.report(v, p, "placement preferences are not supported by twip")
                }
            }
        case "restart_policy":
            deploy.swarm.restartPolicy = decodeSwarmRestart(value, path)
        default:
            break
        }
    }

    /// Checks the deploy keys together: a global service has no replica count, and a rollback cannot roll back.
    func checkSwarmDeploy(_ deploy: Deploy, node: Node, path: String) {
        guard case .mapping(let pairs) = node.content else { return }
        if deploy.swarm.mode == .global, let replicas = pairs.first(where: { $0.key.stackScalarText == "replicas" }) {
            context.report(replicas.key, joinPath(path, "replicas"), "replicas cannot be set for a global service")
        }
        if deploy.swarm.rollbackConfig?.failureAction == .rollback,
            let rollback = pairs.first(where: { $0.key.stackScalarText == "rollback_config" })
        {
            context.report(
                rollback.key, joinPath(path, "rollback_config.failure_action"),
                "a failed rollback cannot roll back: expected pause or continue")
        }
    }

    private func decodeConstraints(_ node: Node, _ path: String) -> [String] {
        guard let list = context.stringList(node, path) else { return [] }
        let operators = ["==", "!="]
        let items: [Node]
        if case .sequence(let nodes) = node.content { items = nodes } else { items = [] }
        for (index, constraint) in list.enumerated()
        where !operators.contains(where: { constraint.contains($0) }) {
            context.report(
                index < items.count ? items[index] : node, "\(path)[\(index)]",
                "invalid constraint \"\(constraint)\": expected NAME==VALUE or NAME!=VALUE")
        }
        return list
    }

    private func decodeSwarmRestart(_ node: Node, _ path: String) -> SwarmRestart? {
        let known = ["condition", "delay", "max_attempts", "window"]
        guard let entries = context.entries(node, path, known: known) else { return nil }
        var policy = SwarmRestart()
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "condition": policy.condition = choice(value, p, SwarmRestart.Condition.self, "condition")
            case "delay": policy.delay = context.duration(value, p)
            case "max_attempts": policy.maxAttempts = context.int(value, p)
            case "window": policy.window = context.duration(value, p)
            default: break
            }
        }
        return policy
    }

    /// A string that must be one of an enumeration's raw values; reported with the choices otherwise.
    private func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: Node, _ path: String, _ type: Choice.Type, _ name: String
    ) -> Choice? where Choice.RawValue == String {
        guard let text = context.string(node, path) else { return nil }
        if let value = Choice(rawValue: text) { return value }
        let expected = Choice.allCases.map(\.rawValue)
        let list = expected.dropLast().joined(separator: ", ") + " or " + (expected.last ?? "")
        context.report(node, path, "invalid \(name) \"\(text)\": expected \(list)")
        return nil
    }
}
