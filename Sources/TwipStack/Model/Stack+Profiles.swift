/// A service needed by an enabled service but left out by the active profiles.
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var service: String
    public var dependency: String

    /// Names the service and the dependency left out.
    public init(service: String, dependency: String) {
        self.service = service
        self.dependency = dependency
    }

    public var description: String {
        "service \"\(service)\" depends on \"\(dependency)\", which is not enabled by the active profiles"
    }
}

extension Stack {
    /// The stack with only the services that run under `profiles`: those without profiles, and those in one of
    /// them (`*` enables every profile). A required dependency left out is an error.
    public func enabling(profiles: Set<String>) throws(ProfileError) -> Stack {
        var stack = self
        stack.services = services.filter { service in
            service.profiles.isEmpty || profiles.contains("*") || !profiles.isDisjoint(with: service.profiles)
        }
        let enabled = Set(stack.services.map(\.name))
        for service in stack.services {
            for dependency in service.dependsOn where dependency.required && !enabled.contains(dependency.service) {
                throw ProfileError(service: service.name, dependency: dependency.service)
            }
        }
        for index in stack.services.indices {
            stack.services[index].dependsOn.removeAll { !enabled.contains($0.service) }
        }
        return stack
    }
}
