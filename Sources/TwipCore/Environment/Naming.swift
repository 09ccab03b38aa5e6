/// The labels twip puts on everything it creates, and reads back to find what it owns.
public enum TwipLabel {
    public static let environment = "io.twip.env"
    public static let service = "io.twip.service"
    public static let replica = "io.twip.replica"
    public static let configHash = "io.twip.config-hash"
    public static let base = "io.twip.base"
}

/// How the objects of one environment are named on the engine.
public struct EnvironmentNames: Sendable, Hashable {
    public var environment: String

    public init(environment: String) {
        self.environment = environment
    }

    /// `ENV-SERVICE-N`, the name of one replica's container.
    public func container(service: String, replica: Int) -> String {
        "\(environment)-\(service)-\(replica)"
    }

    /// `ENV_NAME`, the engine name of a network declared in the stack (or the implicit `default`).
    public func network(_ name: String) -> String {
        "\(environment)_\(name)"
    }

    /// `ENV_NAME`, the engine name of a named volume declared in the stack.
    public func volume(_ name: String) -> String {
        "\(environment)_\(name)"
    }

    /// `twip-ENV-SERVICE:latest`, the image twip builds for a service that has no `image` of its own.
    public func image(service: String) -> String {
        "twip-\(environment)-\(service):latest"
    }

    /// The label filter that selects this environment's objects.
    public var labelFilter: String { "\(TwipLabel.environment)=\(environment)" }
}
