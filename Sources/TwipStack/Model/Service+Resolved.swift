extension Service {
    /// The service with every `environment` entry written without a value (`- FOO`) taken from `variables`, as
    /// compose does; an entry `variables` lacks is left out. What reaches a container, and what its hash covers.
    public func resolvingEnvironment(_ variables: [String: String]) -> Service {
        var resolved = self
        resolved.environment = environment.compactMap { variable in
            if variable.value != nil { return variable }
            return variables[variable.name].map { EnvironmentVariable(name: variable.name, value: $0) }
        }
        return resolved
    }

    /// The configuration hash of the service as its containers get it: `configHash` after `resolvingEnvironment`.
    public func configHash(resolving variables: [String: String]) -> String {
        resolvingEnvironment(variables).configHash
    }

    /// Why the service cannot run more than one replica, if it cannot: a fixed container name, or a fixed host
    /// port only one container can bind.
    public var singleReplicaReason: String? {
        if let name = containerName { return "it sets container_name \"\(name)\"" }
        if let port = ports.first(where: { $0.published != nil }) {
            return "it publishes the fixed host port \(port.published ?? 0)"
        }
        return nil
    }
}
