/// What one look at the engine found of an environment: its containers, networks and volumes, and the image IDs
/// the stack's references point at. Labels and health are parsed once, here; everything after works on typed values.
public struct ObservedState: Sendable, Hashable {
    public var containers: [ObservedContainer]
    /// Containers that own a handing-over proxy's network namespace and ports (not replicas).
    public var holders: [ObservedContainer] = []
    /// Engine names of the environment's networks.
    public var networks: Set<String>
    /// Engine names of the environment's volumes.
    public var volumes: Set<String>
    /// Image reference -> image ID, for the references the stack uses; a missing key means no such image.
    public var images: [String: String]

    public init(
        containers: [ObservedContainer] = [], networks: Set<String> = [], volumes: Set<String> = [],
        images: [String: String] = [:]
    ) {
        self.containers = containers
        self.networks = networks
        self.volumes = volumes
        self.images = images
    }

    /// The containers of `service`, lowest replica first.
    public func containers(of service: String) -> [ObservedContainer] {
        containers.filter { $0.service == service }.sorted { ($0.replica, $0.id) < ($1.replica, $1.id) }
    }
}

/// A container twip found on the engine through its labels.
public struct ObservedContainer: Sendable, Hashable {
    /// The container's run state as the engine reports it.
    public enum State: String, Sendable, Hashable, Codable {
        case created, running, paused, restarting, removing, exited, dead

        /// Whether the container's processes run (a stop must wait for them).
        public var isUp: Bool { self == .running || self == .restarting }
    }

    /// The container's health as the engine reports it; `none` when it has no health check.
    public enum Health: String, Sendable, Hashable, Codable {
        case none, starting, healthy, unhealthy

        /// Health as the engine's status text shows it (`Up 2 minutes (healthy)`), the only place a container
        /// listing carries it.
        public init(status: String?) {
            guard let status else {
                self = .none
                return
            }
            if status.contains("(healthy)") {
                self = .healthy
            } else if status.contains("(unhealthy)") {
                self = .unhealthy
            } else if status.contains("(health: starting)") {
                self = .starting
            } else {
                self = .none
            }
        }

        /// Health as the engine's inspect answer names it (`healthy`, `unhealthy`, `starting`).
        public init(inspected status: String?) {
            self = Health(rawValue: status ?? "") ?? .none
        }
    }

    public var id: String
    public var name: String
    public var environment: String
    public var service: String
    public var replica: Int
    public var configHash: String
    public var imageID: String
    /// The image reference the container was created from.
    public var image: String
    public var state: State
    public var health: Health
    /// Published and exposed ports, as `ps` shows them.
    public var ports: [PortMapping]
    /// `HOST:PORT` of its HAProxy runtime API when it is a proxy generation that says so.
    public var runtime: String?
    /// Whether it holds a proxy's network namespace and ports rather than being a replica.
    public var isHolder = false
    /// The container's address on each network (engine name -> IPv4 address).
    public var addresses: [String: String]
    /// The swarm node running it (swarm tasks only).
    public var node: String? = nil
    /// The swarm task's own state, e.g. `starting` or `running` (swarm tasks only).
    public var taskState: String? = nil

    public init(
        id: String, name: String, environment: String = "", service: String, replica: Int, configHash: String,
        imageID: String, image: String = "", state: State, health: Health = .none, ports: [PortMapping] = [],
        addresses: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.environment = environment
        self.service = service
        self.replica = replica
        self.configHash = configHash
        self.imageID = imageID
        self.image = image
        self.state = state
        self.health = health
        self.ports = ports
        self.addresses = addresses
    }

    /// Whether a proxy may send it traffic: running, and healthy or without a health check.
    public var isServing: Bool { state == .running && (health == .healthy || health == .none) }

    /// Its address on `network`, else on any network it has one.
    public func address(preferring network: String) -> String? {
        if let address = addresses[network], !address.isEmpty { return address }
        return addresses.sorted { $0.key < $1.key }.map(\.value).first { !$0.isEmpty }
    }
}

/// One port of a container: published on the host (`hostIP:hostPort->port/proto`) or only exposed.
public struct PortMapping: Sendable, Hashable, Codable, CustomStringConvertible {
    public var hostIP: String?
    public var hostPort: Int?
    public var port: Int
    public var `protocol`: String

    public init(hostIP: String? = nil, hostPort: Int? = nil, port: Int, protocol: String = "tcp") {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.port = port
        self.protocol = `protocol`
    }

    public var isPublished: Bool { hostPort != nil }

    public var description: String {
        guard let hostPort else { return "\(port)/\(self.protocol)" }
        let ip = hostIP ?? "0.0.0.0"
        return "\(ip == "::" ? "[::]" : ip):\(hostPort)->\(port)/\(self.protocol)"
    }
}

/// What the stack wants of one service, reduced to what the planner compares.
public struct DesiredService: Sendable, Hashable {
    public var name: String
    public var replicas: Int
    public var configHash: String
    /// The ID of the image the service's reference points at now; nil when unknown (not built yet).
    public var imageID: String?

    public init(name: String, replicas: Int, configHash: String, imageID: String?) {
        self.name = name
        self.replicas = replicas
        self.configHash = configHash
        self.imageID = imageID
    }
}
