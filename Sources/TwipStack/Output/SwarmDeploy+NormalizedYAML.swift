import TwipYAML

extension UpdateConfig {
    /// `rollback_config` as `twip config` prints it (the same keys as `update_config`).
    var normalizedNode: Node {
        var u: [(String, Node)] = []
        if let parallelism { u.append(("parallelism", .int(parallelism))) }
        if let delay { u.append(("delay", .duration(delay))) }
        if let order { u.append(("order", .text(order.rawValue))) }
        if let failureAction { u.append(("failure_action", .text(failureAction.rawValue))) }
        if let monitor { u.append(("monitor", .duration(monitor))) }
        if let maxFailureRatio { u.append(("max_failure_ratio", .text(String(maxFailureRatio)))) }
        return .map(u)
    }
}

extension SwarmDeploy {
    /// The swarm keys of `deploy` as `twip config` prints them, in the order compose documents them.
    var normalizedEntries: [(String, Node)] {
        var d: [(String, Node)] = []
        if let mode { d.append(("mode", .text(mode.rawValue))) }
        if let endpointMode { d.append(("endpoint_mode", .text(endpointMode.rawValue))) }
        if !labels.isEmpty { d.append(("labels", .stringMap(labels))) }
        var placement: [(String, Node)] = []
        if !placementConstraints.isEmpty {
            placement.append(("constraints", .list(placementConstraints.map(Node.text))))
        }
        if let maxReplicasPerNode { placement.append(("max_replicas_per_node", .int(maxReplicasPerNode))) }
        if !placement.isEmpty { d.append(("placement", .map(placement))) }
        if let restartPolicy {
            var r: [(String, Node)] = []
            if let condition = restartPolicy.condition { r.append(("condition", .text(condition.rawValue))) }
            if let delay = restartPolicy.delay { r.append(("delay", .duration(delay))) }
            if let attempts = restartPolicy.maxAttempts { r.append(("max_attempts", .int(attempts))) }
            if let window = restartPolicy.window { r.append(("window", .duration(window))) }
            d.append(("restart_policy", .map(r)))
        }
        if let rollbackConfig { d.append(("rollback_config", rollbackConfig.normalizedNode)) }
        return d
    }
}
