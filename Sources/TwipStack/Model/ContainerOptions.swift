/// The container settings a service may give beyond its image, command and mounts, passed to the engine as written.
public struct ContainerOptions: Sendable, Equatable {
    /// `init`: run an init process as PID 1.
    public var initProcess: Bool?
    public var tty: Bool?
    public var stdinOpen: Bool?
    /// `/dev/shm` size in bytes.
    public var shmSize: Int64?
    public var ulimits: [Ulimit] = []
    public var capAdd: [String] = []
    public var capDrop: [String] = []
    public var securityOpt: [String] = []
    public var sysctls: [String: String] = [:]
    public var pidsLimit: Int64?
    public var logging: LogSettings?
    public var dns: [String] = []
    public var dnsSearch: [String] = []
    public var dnsOptions: [String] = []
    /// `HOST:IP` entries for `/etc/hosts`.
    public var extraHosts: [String] = []
    public var groupAdd: [String] = []
    /// `HOST[:CONTAINER[:PERMISSIONS]]` device mappings.
    public var devices: [String] = []
    public var runtime: String?
    public var platform: String?
    /// `host`, `none`, `service:NAME` or `container:NAME`; nil joins the stack's networks.
    public var networkMode: String?
    /// `SERVICE[:ro|rw]` or `container:NAME[:ro|rw]`.
    public var volumesFrom: [String] = []
    /// `always`, `never`, `missing`, `build` or `if_not_present`.
    public var pullPolicy: String?
    /// The file-based secrets and configs mounted into the container.
    public var secrets: [FileGrant] = []
    public var configs: [FileGrant] = []

    /// No options: every setting takes the engine's default.
    public init() {}

    /// True when nothing is set.
    public var isEmpty: Bool { self == ContainerOptions() }
}

/// One `ulimits` entry.
public struct Ulimit: Sendable, Equatable {
    public var name: String
    public var soft: Int64
    public var hard: Int64

    /// Creates a limit.
    public init(name: String, soft: Int64, hard: Int64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }
}

/// `logging`: the log driver and its options.
public struct LogSettings: Sendable, Equatable {
    public var driver: String?
    public var options: [String: String]

    /// Creates log settings.
    public init(driver: String? = nil, options: [String: String] = [:]) {
        self.driver = driver
        self.options = options
    }
}

/// A service's use of a top-level secret or config: which one, and where it appears in the container.
public struct FileGrant: Sendable, Equatable {
    /// The top-level key it refers to.
    public var source: String
    /// The path in the container; nil takes the default (`/run/secrets/SOURCE` for a secret, `/SOURCE` for a config).
    public var target: String?
    public var uid: String?
    public var gid: String?
    public var mode: Int?

    /// Creates a grant.
    public init(source: String, target: String? = nil, uid: String? = nil, gid: String? = nil, mode: Int? = nil) {
        self.source = source
        self.target = target
        self.uid = uid
        self.gid = gid
        self.mode = mode
    }
}

/// A top-level secret or config: a file on the host, or an object said to exist elsewhere (`external`).
public struct FileObject: Sendable, Equatable {
    public var name: String
    /// The absolute path of its file; nil for an external or environment-based object.
    public var file: String?
    /// The variable holding its content (`environment:`).
    public var environment: String?
    public var external: Bool
    /// Inline content (`content:`, configs only).
    public var content: String?

    /// Creates a declaration.
    public init(
        name: String, file: String? = nil, environment: String? = nil, external: Bool = false, content: String? = nil
    ) {
        self.name = name
        self.file = file
        self.environment = environment
        self.external = external
        self.content = content
    }
}

/// A network's address plan (`ipam`).
public struct IPAM: Sendable, Equatable {
    public var driver: String?
    public var config: [Pool]
    public var options: [String: String]

    /// One address pool.
    public struct Pool: Sendable, Equatable {
        public var subnet: String?
        public var ipRange: String?
        public var gateway: String?
        /// Addresses of the subnet the engine must not hand out, by host name (`aux_addresses`).
        public var auxAddresses: [String: String]

        /// Creates a pool.
        public init(
            subnet: String? = nil, ipRange: String? = nil, gateway: String? = nil, auxAddresses: [String: String] = [:]
        ) {
            self.subnet = subnet
            self.ipRange = ipRange
            self.gateway = gateway
            self.auxAddresses = auxAddresses
        }
    }

    /// Creates an address plan.
    public init(driver: String? = nil, config: [Pool] = [], options: [String: String] = [:]) {
        self.driver = driver
        self.config = config
        self.options = options
    }
}
