/// One service of a stack: the template every replica's container is created from.
public struct Service: Sendable, Equatable {
    public var name: String
    public var image: String?
    public var build: Build?
    /// The command, split into arguments; nil when the image's default applies.
    public var command: [String]?
    /// The entrypoint, split into arguments; nil when the image's default applies.
    public var entrypoint: [String]?
    /// The container environment in source order; `env_file` entries come first, explicit ones override them.
    public var environment: [EnvironmentVariable]
    /// Absolute paths of the `env_file` files already merged into `environment`.
    public var envFile: [String]
    /// The `ports` entries as written, ranges kept as ranges.
    public var portMappings: [PortMapping]
    /// The `expose` entries as written, ranges kept as ranges.
    public var exposedPorts: [ExposedPorts]
    public var volumes: [Mount]
    /// The networks the service joins; empty means only the implicit `default` network.
    public var networks: [ServiceNetwork]
    public var dependsOn: [Dependency]
    public var healthcheck: Healthcheck?
    public var restart: RestartPolicy?
    public var deploy: Deploy
    public var labels: [String: String]
    public var hostname: String?
    public var containerName: String?
    public var links: [Link]
    public var workingDir: String?
    public var user: String?
    /// The memory limit in bytes (`mem_limit`).
    public var memLimit: Int64?
    public var cpus: Double?
    public var stopGracePeriod: Duration?
    public var stopSignal: String?
    public var readOnly: Bool?
    public var tmpfs: [String]
    /// The service's `x-*` extension keys, kept as written (`x-twip-proxy` included).
    public var extensions: [Extension]
    /// What the service proxies, from its `x-twip-proxy` extension; nil for a service that is not a proxy.
    public var proxy: ProxyDeclaration?
    /// Engine settings beyond the basics: init, tty, limits, capabilities, DNS, logging, secrets...
    public var options = ContainerOptions()
    /// The profiles the service belongs to; a service with none always runs.
    public var profiles: [String] = []

    /// The most replicas a service may ask for.
    public static let maxReplicas = 1000
    /// The most single ports a service's `ports` (and, separately, its `expose`) may stand for once ranges are
    /// counted: every port number once.
    public static let maxPorts = 65535

    /// Creates a service; every setting but the name has a compose default.
    public init(
        name: String, image: String? = nil, build: Build? = nil, command: [String]? = nil,
        entrypoint: [String]? = nil, environment: [EnvironmentVariable] = [], envFile: [String] = [],
        ports: [Port] = [], expose: [String] = [], volumes: [Mount] = [], networks: [ServiceNetwork] = [],
        dependsOn: [Dependency] = [], healthcheck: Healthcheck? = nil, restart: RestartPolicy? = nil,
        deploy: Deploy = Deploy(), labels: [String: String] = [:], hostname: String? = nil,
        containerName: String? = nil, links: [Link] = [], workingDir: String? = nil, user: String? = nil,
        memLimit: Int64? = nil, cpus: Double? = nil, stopGracePeriod: Duration? = nil, stopSignal: String? = nil,
        readOnly: Bool? = nil, tmpfs: [String] = [], extensions: [Extension] = [], proxy: ProxyDeclaration? = nil
    ) {
        self.name = name
        self.image = image
        self.build = build
        self.command = command
        self.entrypoint = entrypoint
        self.environment = environment
        self.envFile = envFile
        self.portMappings = ports.map(PortMapping.init)
        self.exposedPorts = expose.compactMap(ExposedPorts.init(parsing:))
        self.volumes = volumes
        self.networks = networks
        self.dependsOn = dependsOn
        self.healthcheck = healthcheck
        self.restart = restart
        self.deploy = deploy
        self.labels = labels
        self.hostname = hostname
        self.containerName = containerName
        self.links = links
        self.workingDir = workingDir
        self.user = user
        self.memLimit = memLimit
        self.cpus = cpus
        self.stopGracePeriod = stopGracePeriod
        self.stopSignal = stopSignal
        self.readOnly = readOnly
        self.tmpfs = tmpfs
        self.extensions = extensions
        self.proxy = proxy
    }

    /// Every published or bound container port, one entry per port: ranges expanded.
    public var ports: [Port] {
        get { portMappings.flatMap(\.ports) }
        set { portMappings = newValue.map(PortMapping.init) }
    }

    /// Exposed (not published) ports such as `8080` or `53/udp`, ranges expanded.
    public var expose: [String] {
        get { exposedPorts.flatMap(\.expanded) }
        set { exposedPorts = newValue.compactMap(ExposedPorts.init(parsing:)) }
    }

    /// How many containers the service runs (`deploy.replicas`, default 1).
    public var replicas: Int {
        get { deploy.replicas }
        set { deploy.replicas = newValue }
    }

    /// The value of the environment variable `name`, if the service sets one.
    public func environmentValue(_ name: String) -> String? {
        environment.last { $0.name == name }?.value
    }
}

/// How to build a service's image.
public struct Build: Sendable, Equatable {
    /// The absolute context directory (or a remote context URL, kept as written).
    public var context: String
    /// The Dockerfile path relative to the context; nil means `Dockerfile`.
    public var dockerfile: String?
    public var args: [String: String]
    public var target: String?
    public var labels: [String: String]
    /// Images the builder may take cached layers from.
    public var cacheFrom: [String] = []
    /// The network the build's RUN steps use.
    public var network: String?

    /// Creates a build description.
    public init(
        context: String, dockerfile: String? = nil, args: [String: String] = [:], target: String? = nil,
        labels: [String: String] = [:]
    ) {
        self.context = context
        self.dockerfile = dockerfile
        self.args = args
        self.target = target
        self.labels = labels
    }
}

/// One container environment variable; a nil value means "unset" (the name was given without `=`).
public struct EnvironmentVariable: Sendable, Equatable {
    public var name: String
    public var value: String?

    /// Creates an environment variable.
    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// A published or exposed container port.
public struct Port: Sendable, Equatable {
    /// The container port.
    public var target: Int
    /// The host port; nil means an ephemeral port chosen by the engine.
    public var published: Int?
    /// The host address to bind; nil means all addresses.
    public var hostIP: String?
    /// `tcp`, `udp` or `sctp`.
    public var `protocol`: String
    /// `ingress` or `host`, when written.
    public var mode: String?

    /// Creates a port mapping.
    public init(
        target: Int, published: Int? = nil, hostIP: String? = nil, protocol: String = "tcp", mode: String? = nil
    ) {
        self.target = target
        self.published = published
        self.hostIP = hostIP
        self.protocol = `protocol`
        self.mode = mode
    }
}

/// One `ports` entry: a container port or a range of consecutive ones, with the host ports they are published on.
public struct PortMapping: Sendable, Equatable {
    /// The container ports.
    public var target: ClosedRange<Int>
    /// The host ports, as many as `target` holds; nil means ephemeral ports chosen by the engine.
    public var published: ClosedRange<Int>?
    /// The host address to bind; nil means all addresses.
    public var hostIP: String?
    /// `tcp`, `udp` or `sctp`.
    public var `protocol`: String
    /// `ingress` or `host`, when written.
    public var mode: String?

    /// Creates a mapping; `published`, when given, must hold as many ports as `target`.
    public init(
        target: ClosedRange<Int>, published: ClosedRange<Int>? = nil, hostIP: String? = nil,
        protocol: String = "tcp", mode: String? = nil
    ) {
        self.target = target
        self.published = published
        self.hostIP = hostIP
        self.protocol = `protocol`
        self.mode = mode
    }

    /// The mapping of one port.
    public init(_ port: Port) {
        self.init(
            target: port.target...port.target, published: port.published.map { $0...$0 }, hostIP: port.hostIP,
            protocol: port.protocol, mode: port.mode)
    }

    /// The single ports the mapping stands for, in order.
    public var ports: [Port] {
        target.enumerated().map { offset, target in
            Port(
                target: target, published: published.map { $0.lowerBound + offset }, hostIP: hostIP,
                protocol: `protocol`, mode: mode)
        }
    }
}

/// One `expose` entry: a port or a range of consecutive ports, with a protocol when one was written.
public struct ExposedPorts: Sendable, Equatable, CustomStringConvertible {
    public var ports: ClosedRange<Int>
    /// `tcp`, `udp` or `sctp` as written; nil means tcp.
    public var `protocol`: String?

    /// Creates an entry.
    public init(ports: ClosedRange<Int>, protocol: String? = nil) {
        self.ports = ports
        self.protocol = `protocol`
    }

    /// Reads `PORT[-PORT][/PROTOCOL]`; nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        let proto = parts.count > 1 ? parts[1] : nil
        guard let range = PortSyntax.range(parts.first ?? ""),
            proto == nil || ["tcp", "udp", "sctp"].contains(proto ?? "")
        else { return nil }
        self.init(ports: range, protocol: proto)
    }

    /// The entry as written: `8080`, `9000-9001` or `53/udp`.
    public var description: String {
        let ports = ports.count == 1 ? "\(ports.lowerBound)" : "\(ports.lowerBound)-\(ports.upperBound)"
        return `protocol`.map { "\(ports)/\($0)" } ?? ports
    }

    /// One string per port, e.g. `9000` and `9001` for `9000-9001`.
    public var expanded: [String] {
        ports.map { port in `protocol`.map { "\(port)/\($0)" } ?? "\(port)" }
    }
}

/// A filesystem mounted into the service's containers.
public struct Mount: Sendable, Equatable {
    /// The kind of mount.
    public enum Kind: String, Sendable, Equatable {
        case bind, volume, tmpfs
    }

    public var type: Kind
    /// The absolute host path (bind), the volume name (volume), or nil (anonymous volume, tmpfs).
    public var source: String?
    /// The path inside the container.
    public var target: String
    public var readOnly: Bool
    /// Bind propagation (`rslave`, `shared`...); nil takes the engine's default.
    public var propagation: String?

    /// The propagation modes a bind mount may ask for.
    public static let propagationModes = ["private", "rprivate", "shared", "rshared", "slave", "rslave"]

    /// Creates a mount.
    public init(type: Kind, source: String?, target: String, readOnly: Bool = false) {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }
}

/// A network a service joins, with its aliases there.
public struct ServiceNetwork: Sendable, Equatable {
    public var name: String
    public var aliases: [String]
    /// A fixed address on the network (`ipv4_address`, `ipv6_address`).
    public var ipv4Address: String?
    public var ipv6Address: String?

    /// Creates a network attachment.
    public init(name: String, aliases: [String] = []) {
        self.name = name
        self.aliases = aliases
    }
}

/// A service this service depends on, and what "ready" means for it.
public struct Dependency: Sendable, Equatable {
    /// When a dependency counts as ready.
    public enum Condition: String, Sendable, Equatable, CaseIterable {
        case serviceStarted = "service_started"
        case serviceHealthy = "service_healthy"
        case serviceCompletedSuccessfully = "service_completed_successfully"
    }

    public var service: String
    public var condition: Condition
    /// False when the service may start without this dependency (`required: false`).
    public var required = true

    /// Creates a dependency.
    public init(service: String, condition: Condition = .serviceStarted) {
        self.service = service
        self.condition = condition
    }
}

/// A container health check.
public struct Healthcheck: Sendable, Equatable {
    /// The test in engine form: `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]`; empty inherits the image's.
    public var test: [String]
    public var interval: Duration?
    public var timeout: Duration?
    public var retries: Int?
    public var startPeriod: Duration?
    /// How often to probe during the start period.
    public var startInterval: Duration?
    /// True when the image's health check is turned off.
    public var disable: Bool

    /// Creates a health check.
    public init(
        test: [String] = [], interval: Duration? = nil, timeout: Duration? = nil, retries: Int? = nil,
        startPeriod: Duration? = nil, disable: Bool = false
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
        self.disable = disable
    }
}

/// When the engine restarts a service's containers.
public enum RestartPolicy: Sendable, Equatable, CustomStringConvertible {
    case no
    case always
    case unlessStopped
    /// Restart on a non-zero exit, at most `maxRetries` times when given.
    case onFailure(maxRetries: Int?)

    /// The policy as written in a stack file, e.g. `on-failure:3`.
    public var description: String {
        switch self {
        case .no: "no"
        case .always: "always"
        case .unlessStopped: "unless-stopped"
        case .onFailure(let n?): "on-failure:\(n)"
        case .onFailure(nil): "on-failure"
        }
    }
}

/// The `deploy` section: replica count, resource limits and rolling-update settings.
public struct Deploy: Sendable, Equatable {
    public var replicas: Int
    public var limits: Resources
    public var reservations: Resources
    public var updateConfig: UpdateConfig?
    /// The keys only a swarm acts on.
    public var swarm = SwarmDeploy()

    /// Creates a deploy section; one replica and no limits by default.
    public init(
        replicas: Int = 1, limits: Resources = Resources(), reservations: Resources = Resources(),
        updateConfig: UpdateConfig? = nil
    ) {
        self.replicas = replicas
        self.limits = limits
        self.reservations = reservations
        self.updateConfig = updateConfig
    }
}

/// CPU and memory amounts.
public struct Resources: Sendable, Equatable {
    public var cpus: Double?
    /// Bytes.
    public var memory: Int64?

    /// Creates a resource amount.
    public init(cpus: Double? = nil, memory: Int64? = nil) {
        self.cpus = cpus
        self.memory = memory
    }
}

/// How replicas are replaced when the service's configuration changes.
public struct UpdateConfig: Sendable, Equatable {
    /// Which of the old and new replica runs first.
    public enum Order: String, Sendable, Equatable, CaseIterable {
        case startFirst = "start-first"
        case stopFirst = "stop-first"
    }

    /// What to do when an updated replica fails.
    public enum FailureAction: String, Sendable, Equatable, CaseIterable {
        case pause, `continue`, rollback
    }

    public var parallelism: Int?
    public var delay: Duration?
    public var order: Order?
    public var failureAction: FailureAction?
    /// How long a new replica is watched after it took traffic; failing then counts as a failed update.
    public var monitor: Duration?
    /// The share of new replicas that may fail before `failureAction` applies.
    public var maxFailureRatio: Double?

    /// Creates update settings.
    public init(
        parallelism: Int? = nil, delay: Duration? = nil, order: Order? = nil, failureAction: FailureAction? = nil,
        monitor: Duration? = nil, maxFailureRatio: Double? = nil
    ) {
        self.parallelism = parallelism
        self.delay = delay
        self.order = order
        self.failureAction = failureAction
        self.monitor = monitor
        self.maxFailureRatio = maxFailureRatio
    }
}

/// A legacy link to another service, optionally under an alias.
public struct Link: Sendable, Equatable {
    public var service: String
    public var alias: String?

    /// Creates a link.
    public init(service: String, alias: String? = nil) {
        self.service = service
        self.alias = alias
    }
}
