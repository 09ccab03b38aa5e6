/// A parsed, interpolated and validated stack file: services, networks and volumes in source order.
public struct Stack: Sendable, Equatable {
    /// The stack's name: the top-level `name`, else the file name without its extension.
    public var name: String
    /// The absolute path of the stack file.
    public var filePath: String
    /// The absolute directory relative paths in the stack are resolved against.
    public var directory: String
    /// The services, in the order they were written.
    public var services: [Service]
    /// The declared top-level networks, in the order they were written.
    public var networks: [Network]
    /// The declared top-level volumes, in the order they were written.
    public var volumes: [Volume]
    /// The top-level `x-*` extension keys, kept as written.
    public var extensions: [Extension]
    /// Where the stack runs (`x-twip: {orchestrator: ...}`): containers on one engine unless it says swarm.
    public var orchestrator: Orchestrator = .containers
    /// The registry images go through (`x-twip: {registry: HOST[:PORT]}`): swarm nodes pull from it, and `pack`
    /// pushes to it when no other registry is given.
    public var registry: String?
    /// The top-level secrets and configs, in the order they were written.
    public var secrets: [FileObject] = []
    public var configs: [FileObject] = []

    /// Creates a stack from its parts.
    public init(
        name: String, filePath: String, directory: String, services: [Service] = [], networks: [Network] = [],
        volumes: [Volume] = [], extensions: [Extension] = []
    ) {
        self.name = name
        self.filePath = filePath
        self.directory = directory
        self.services = services
        self.networks = networks
        self.volumes = volumes
        self.extensions = extensions
    }

    /// The service called `name`, if the stack has one.
    public func service(named name: String) -> Service? {
        services.first { $0.name == name }
    }
}

/// A top-level network declaration.
public struct Network: Sendable, Equatable {
    /// The key the network is declared under.
    public var name: String
    public var driver: String?
    /// True when the network is created outside the stack.
    public var external: Bool
    /// The engine-side name (`name:`), when it differs from the key.
    public var externalName: String?
    public var `internal`: Bool
    public var labels: [String: String]
    public var driverOptions: [String: String]
    public var extensions: [Extension]
    /// `ipam`: the address plan.
    public var ipam: IPAM?
    public var attachable = false
    public var enableIPv6 = false

    /// Creates a network declaration.
    public init(
        name: String, driver: String? = nil, external: Bool = false, externalName: String? = nil,
        internal: Bool = false, labels: [String: String] = [:], driverOptions: [String: String] = [:],
        extensions: [Extension] = []
    ) {
        self.name = name
        self.driver = driver
        self.external = external
        self.externalName = externalName
        self.internal = `internal`
        self.labels = labels
        self.driverOptions = driverOptions
        self.extensions = extensions
    }
}

/// A top-level named volume declaration.
public struct Volume: Sendable, Equatable {
    /// The key the volume is declared under.
    public var name: String
    public var driver: String?
    /// True when the volume is created outside the stack.
    public var external: Bool
    /// The engine-side name (`name:`), when it differs from the key.
    public var externalName: String?
    public var labels: [String: String]
    public var driverOptions: [String: String]
    public var extensions: [Extension]

    /// Creates a volume declaration.
    public init(
        name: String, driver: String? = nil, external: Bool = false, externalName: String? = nil,
        labels: [String: String] = [:], driverOptions: [String: String] = [:], extensions: [Extension] = []
    ) {
        self.name = name
        self.driver = driver
        self.external = external
        self.externalName = externalName
        self.labels = labels
        self.driverOptions = driverOptions
        self.extensions = extensions
    }
}

/// One `x-*` extension key and its value.
public struct Extension: Sendable, Equatable {
    public var key: String
    public var value: ExtensionValue

    /// Creates an extension entry.
    public init(key: String, value: ExtensionValue) {
        self.key = key
        self.value = value
    }
}

/// A YAML value kept verbatim (after interpolation) under an `x-*` key, without positions.
public indirect enum ExtensionValue: Sendable, Equatable {
    case null
    /// A plain (unquoted) scalar such as `3`, `true` or `web`.
    case plain(String)
    /// A quoted or block scalar: always a string.
    case quoted(String)
    case sequence([ExtensionValue])
    case mapping([Extension])
}
