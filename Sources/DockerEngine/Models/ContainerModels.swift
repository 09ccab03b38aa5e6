/// The body of `POST /containers/create`: what to run and how.
public struct ContainerConfig: Codable, Sendable, Equatable {
    public var image: String
    public var cmd: [String]?
    public var entrypoint: [String]?
    public var env: [String]?
    public var labels: [String: String]?
    public var exposedPorts: [String: EmptyObject]?
    public var hostname: String?
    public var domainname: String?
    public var workingDir: String?
    public var user: String?
    public var healthcheck: HealthConfig?
    public var stopSignal: String?
    public var stopTimeout: Int?
    public var tty: Bool?
    public var openStdin: Bool?
    public var attachStdout: Bool?
    public var attachStderr: Bool?
    public var hostConfig: HostConfig?
    public var networkingConfig: NetworkingConfig?

    /// Creates a config running `image`; set the other fields as needed.
    public init(image: String) { self.image = image }

    enum CodingKeys: String, CodingKey {
        case image = "Image"
        case cmd = "Cmd"
        case entrypoint = "Entrypoint"
        case env = "Env"
        case labels = "Labels"
        case exposedPorts = "ExposedPorts"
        case hostname = "Hostname"
        case domainname = "Domainname"
        case workingDir = "WorkingDir"
        case user = "User"
        case healthcheck = "Healthcheck"
        case stopSignal = "StopSignal"
        case stopTimeout = "StopTimeout"
        case tty = "Tty"
        case openStdin = "OpenStdin"
        case attachStdout = "AttachStdout"
        case attachStderr = "AttachStderr"
        case hostConfig = "HostConfig"
        case networkingConfig = "NetworkingConfig"
    }
}

/// `{}` in the Engine API, as used by `ExposedPorts` and `Volumes`.
public struct EmptyObject: Codable, Sendable, Equatable, Hashable {
    /// Creates an empty object.
    public init() {}
}

/// A container healthcheck; durations are in nanoseconds as the Engine API wants them.
public struct HealthConfig: Codable, Sendable, Equatable {
    /// `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]`.
    public var test: [String]?
    public var interval: Int64?
    public var timeout: Int64?
    public var retries: Int?
    public var startPeriod: Int64?
    /// The probe interval during the start period (Engine API 1.44 and later).
    public var startInterval: Int64?

    /// Creates a healthcheck.
    public init(
        test: [String]?, interval: Int64? = nil, timeout: Int64? = nil, retries: Int? = nil,
        startPeriod: Int64? = nil
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
    }

    enum CodingKeys: String, CodingKey {
        case test = "Test"
        case interval = "Interval"
        case timeout = "Timeout"
        case retries = "Retries"
        case startInterval = "StartInterval"
        case startPeriod = "StartPeriod"
    }
}

/// How the host runs a container: mounts, ports, restart policy, limits, network mode.
public struct HostConfig: Codable, Sendable, Equatable {
    public var binds: [String]?
    public var mounts: [Mount]?
    public var portBindings: [String: [PortBinding]]?
    public var publishAllPorts: Bool?
    public var restartPolicy: RestartPolicy?
    public var memory: Int64?
    public var nanoCpus: Int64?
    public var readonlyRootfs: Bool?
    public var tmpfs: [String: String]?
    public var networkMode: String?
    public var initProcess: Bool?
    public var links: [String]?
    public var autoRemove: Bool?
    /// Security options such as `no-new-privileges`.
    public var securityOpt: [String]?
    /// Namespaced kernel parameters, e.g. `net.ipv4.tcp_migrate_req`.
    public var sysctls: [String: String]?
    /// `/dev/shm` size in bytes.
    public var shmSize: Int64?
    public var ulimits: [Ulimit]?
    public var capAdd: [String]?
    public var capDrop: [String]?
    public var pidsLimit: Int64?
    public var logConfig: LogConfig?
    public var dns: [String]?
    public var dnsSearch: [String]?
    public var dnsOptions: [String]?
    /// `HOST:IP` entries for `/etc/hosts`.
    public var extraHosts: [String]?
    /// `CONTAINER[:ro|rw]`: mount every volume of these containers.
    public var volumesFrom: [String]?
    public var devices: [DeviceMapping]?
    public var groupAdd: [String]?
    /// The OCI runtime, e.g. `runc`.
    public var runtime: String?
    /// The cgroup the container's cgroup is made under (a path with the cgroupfs driver, a slice with systemd).
    public var cgroupParent: String?
    /// `private` gives the container a cgroup namespace of its own, `host` shares the engine's.
    public var cgroupnsMode: String?
    /// Device cgroup rules, e.g. `a *:* rwm` (every device).
    public var deviceCgroupRules: [String]?
    /// Paths of /proc and /sys hidden from the container; empty (the CLI's `systempaths=unconfined`) hides none.
    public var maskedPaths: [String]?
    /// Paths of /proc made read-only; empty (`systempaths=unconfined`) leaves them writable.
    public var readonlyPaths: [String]?

    /// Creates an empty host config.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case binds = "Binds"
        case mounts = "Mounts"
        case portBindings = "PortBindings"
        case publishAllPorts = "PublishAllPorts"
        case restartPolicy = "RestartPolicy"
        case memory = "Memory"
        case nanoCpus = "NanoCpus"
        case readonlyRootfs = "ReadonlyRootfs"
        case tmpfs = "Tmpfs"
        case networkMode = "NetworkMode"
        case initProcess = "Init"
        case links = "Links"
        case autoRemove = "AutoRemove"
        case securityOpt = "SecurityOpt"
        case sysctls = "Sysctls"
        case shmSize = "ShmSize"
        case ulimits = "Ulimits"
        case capAdd = "CapAdd"
        case capDrop = "CapDrop"
        case pidsLimit = "PidsLimit"
        case logConfig = "LogConfig"
        case dns = "Dns"
        case dnsSearch = "DnsSearch"
        case dnsOptions = "DnsOptions"
        case extraHosts = "ExtraHosts"
        case volumesFrom = "VolumesFrom"
        case devices = "Devices"
        case groupAdd = "GroupAdd"
        case runtime = "Runtime"
        case cgroupParent = "CgroupParent"
        case cgroupnsMode = "CgroupnsMode"
        case deviceCgroupRules = "DeviceCgroupRules"
        case maskedPaths = "MaskedPaths"
        case readonlyPaths = "ReadonlyPaths"
    }
}

/// One resource limit in `HostConfig.Ulimits`.
public struct Ulimit: Codable, Sendable, Equatable {
    public var name: String
    public var soft: Int64
    public var hard: Int64

    /// Creates a limit.
    public init(name: String, soft: Int64, hard: Int64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case soft = "Soft"
        case hard = "Hard"
    }
}

/// The log driver of a container and its options.
public struct LogConfig: Codable, Sendable, Equatable {
    public var type: String
    public var config: [String: String]

    /// Creates a log configuration.
    public init(type: String, config: [String: String] = [:]) {
        self.type = type
        self.config = config
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case config = "Config"
    }
}

/// A host device made visible in the container.
public struct DeviceMapping: Codable, Sendable, Equatable {
    public var pathOnHost: String
    public var pathInContainer: String
    public var cgroupPermissions: String

    /// Creates a device mapping.
    public init(pathOnHost: String, pathInContainer: String, cgroupPermissions: String = "rwm") {
        self.pathOnHost = pathOnHost
        self.pathInContainer = pathInContainer
        self.cgroupPermissions = cgroupPermissions
    }

    enum CodingKeys: String, CodingKey {
        case pathOnHost = "PathOnHost"
        case pathInContainer = "PathInContainer"
        case cgroupPermissions = "CgroupPermissions"
    }
}

/// A mount in `HostConfig.Mounts`: bind, volume or tmpfs.
public struct Mount: Codable, Sendable, Equatable {
    /// `bind`, `volume` or `tmpfs`.
    public var type: String
    public var source: String?
    public var target: String
    public var readOnly: Bool?

    /// Creates a mount.
    public init(type: String, source: String?, target: String, readOnly: Bool? = nil) {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case source = "Source"
        case target = "Target"
        case readOnly = "ReadOnly"
    }
}

/// A host address and port a container port is published on.
public struct PortBinding: Codable, Sendable, Equatable, Hashable {
    public var hostIP: String?
    public var hostPort: String?

    /// Creates a binding; an empty or nil host port lets the engine choose.
    public init(hostIP: String? = nil, hostPort: String?) {
        self.hostIP = hostIP
        self.hostPort = hostPort
    }

    enum CodingKeys: String, CodingKey {
        case hostIP = "HostIp"
        case hostPort = "HostPort"
    }
}

/// When the engine restarts a container: `no`, `always`, `unless-stopped`, `on-failure`.
public struct RestartPolicy: Codable, Sendable, Equatable {
    public var name: String
    public var maximumRetryCount: Int?

    /// Creates a restart policy.
    public init(name: String, maximumRetryCount: Int? = nil) {
        self.name = name
        self.maximumRetryCount = maximumRetryCount
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case maximumRetryCount = "MaximumRetryCount"
    }
}

/// Which networks a new container joins, with its aliases on each.
public struct NetworkingConfig: Codable, Sendable, Equatable {
    public var endpointsConfig: [String: EndpointConfig]

    /// Creates a networking config.
    public init(endpointsConfig: [String: EndpointConfig]) { self.endpointsConfig = endpointsConfig }

    enum CodingKeys: String, CodingKey { case endpointsConfig = "EndpointsConfig" }
}

/// A container's settings on one network.
public struct EndpointConfig: Codable, Sendable, Equatable {
    public var aliases: [String]?
    /// Fixed addresses on the network.
    public var ipamConfig: EndpointIPAMConfig?

    /// Creates an endpoint config with DNS aliases.
    public init(aliases: [String]? = nil, ipamConfig: EndpointIPAMConfig? = nil) {
        self.aliases = aliases
        self.ipamConfig = ipamConfig
    }

    enum CodingKeys: String, CodingKey {
        case aliases = "Aliases"
        case ipamConfig = "IPAMConfig"
    }
}

/// A container's fixed addresses on one network.
public struct EndpointIPAMConfig: Codable, Sendable, Equatable {
    public var ipv4Address: String?
    public var ipv6Address: String?

    /// Creates fixed addresses.
    public init(ipv4Address: String? = nil, ipv6Address: String? = nil) {
        self.ipv4Address = ipv4Address
        self.ipv6Address = ipv6Address
    }

    enum CodingKeys: String, CodingKey {
        case ipv4Address = "IPv4Address"
        case ipv6Address = "IPv6Address"
    }
}

/// The answer to `POST /containers/create`.
public struct ContainerCreated: Decodable, Sendable, Equatable {
    public var id: String
    public var warnings: [String]?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case warnings = "Warnings"
    }
}

/// One row of `GET /containers/json`.
public struct ContainerSummary: Decodable, Sendable, Equatable {
    public var id: String
    /// Names with their leading slash, e.g. `/prod-web-1`.
    public var names: [String]?
    public var image: String?
    public var imageID: String?
    public var command: String?
    public var created: Int64?
    /// `created`, `running`, `exited`, ...
    public var state: String?
    /// Human text such as `Up 2 minutes (healthy)`.
    public var status: String?
    public var labels: [String: String]?
    public var ports: [ContainerPort]?
    /// The networks the container is attached to, with its address on each.
    public var networkSettings: SummaryNetworkSettings?

    /// The first name without its leading slash.
    public var name: String? { names?.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case names = "Names"
        case image = "Image"
        case imageID = "ImageID"
        case command = "Command"
        case created = "Created"
        case state = "State"
        case status = "Status"
        case labels = "Labels"
        case ports = "Ports"
        case networkSettings = "NetworkSettings"
    }
}

/// The networks of a listed container.
public struct SummaryNetworkSettings: Decodable, Sendable, Equatable {
    public var networks: [String: EndpointSettings]?

    enum CodingKeys: String, CodingKey {
        case networks = "Networks"
    }
}

/// A port of a listed container.
public struct ContainerPort: Decodable, Sendable, Equatable {
    public var ip: String?
    public var privatePort: Int?
    public var publicPort: Int?
    public var type: String?

    enum CodingKeys: String, CodingKey {
        case ip = "IP"
        case privatePort = "PrivatePort"
        case publicPort = "PublicPort"
        case type = "Type"
    }
}

/// The answer to `GET /containers/{id}/json`.
public struct ContainerInspect: Decodable, Sendable, Equatable {
    public var id: String
    /// The name with its leading slash, e.g. `/prod-web-1`.
    public var name: String?
    public var image: String?
    public var created: String?
    public var restartCount: Int?
    public var state: ContainerState?
    public var config: InspectConfig?
    public var hostConfig: HostConfig?
    public var networkSettings: NetworkSettings?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case image = "Image"
        case created = "Created"
        case restartCount = "RestartCount"
        case state = "State"
        case config = "Config"
        case hostConfig = "HostConfig"
        case networkSettings = "NetworkSettings"
    }
}

/// The run state of an inspected container.
public struct ContainerState: Decodable, Sendable, Equatable {
    public var status: String?
    public var running: Bool?
    public var paused: Bool?
    public var restarting: Bool?
    public var oomKilled: Bool?
    public var dead: Bool?
    public var pid: Int?
    public var exitCode: Int?
    public var error: String?
    public var startedAt: String?
    public var finishedAt: String?
    public var health: Health?

    enum CodingKeys: String, CodingKey {
        case status = "Status"
        case running = "Running"
        case paused = "Paused"
        case restarting = "Restarting"
        case oomKilled = "OOMKilled"
        case dead = "Dead"
        case pid = "Pid"
        case exitCode = "ExitCode"
        case error = "Error"
        case startedAt = "StartedAt"
        case finishedAt = "FinishedAt"
        case health = "Health"
    }
}

/// Healthcheck status and recent probe results.
public struct Health: Decodable, Sendable, Equatable {
    /// `starting`, `healthy` or `unhealthy`.
    public var status: String?
    public var failingStreak: Int?
    public var log: [HealthProbe]?

    enum CodingKeys: String, CodingKey {
        case status = "Status"
        case failingStreak = "FailingStreak"
        case log = "Log"
    }
}

/// One healthcheck probe's result.
public struct HealthProbe: Decodable, Sendable, Equatable {
    public var start: String?
    public var end: String?
    public var exitCode: Int?
    public var output: String?

    enum CodingKeys: String, CodingKey {
        case start = "Start"
        case end = "End"
        case exitCode = "ExitCode"
        case output = "Output"
    }
}

/// The `Config` section of an inspected container.
public struct InspectConfig: Decodable, Sendable, Equatable {
    public var hostname: String?
    public var image: String?
    public var cmd: [String]?
    public var entrypoint: [String]?
    public var env: [String]?
    public var labels: [String: String]?
    public var exposedPorts: [String: EmptyObject]?
    public var workingDir: String?
    public var user: String?
    public var tty: Bool?
    public var healthcheck: HealthConfig?
    public var stopSignal: String?

    enum CodingKeys: String, CodingKey {
        case hostname = "Hostname"
        case image = "Image"
        case cmd = "Cmd"
        case entrypoint = "Entrypoint"
        case env = "Env"
        case labels = "Labels"
        case exposedPorts = "ExposedPorts"
        case workingDir = "WorkingDir"
        case user = "User"
        case tty = "Tty"
        case healthcheck = "Healthcheck"
        case stopSignal = "StopSignal"
    }
}

/// Networks and published ports of an inspected container.
public struct NetworkSettings: Decodable, Sendable, Equatable {
    /// Container port (`80/tcp`) to host bindings; nil entries mean exposed but not published.
    public var ports: [String: [PortBinding]?]?
    public var networks: [String: EndpointSettings]?

    enum CodingKeys: String, CodingKey {
        case ports = "Ports"
        case networks = "Networks"
    }
}

/// A container's address and aliases on one network.
public struct EndpointSettings: Decodable, Sendable, Equatable {
    public var networkID: String?
    public var ipAddress: String?
    public var aliases: [String]?
    public var gateway: String?
    public var macAddress: String?

    enum CodingKeys: String, CodingKey {
        case networkID = "NetworkID"
        case ipAddress = "IPAddress"
        case aliases = "Aliases"
        case gateway = "Gateway"
        case macAddress = "MacAddress"
    }
}

/// The answer to `POST /containers/{id}/wait`.
public struct ContainerWaitResult: Decodable, Sendable, Equatable {
    public var statusCode: Int
    public var error: WaitError?

    /// The engine's error while waiting, if any.
    public struct WaitError: Decodable, Sendable, Equatable {
        public var message: String?
        enum CodingKeys: String, CodingKey { case message = "Message" }
    }

    enum CodingKeys: String, CodingKey {
        case statusCode = "StatusCode"
        case error = "Error"
    }
}

/// The body of `POST /containers/{id}/exec`.
public struct ExecConfig: Codable, Sendable, Equatable {
    public var cmd: [String]
    public var env: [String]?
    public var user: String?
    public var workingDir: String?
    public var tty: Bool?
    public var attachStdout: Bool
    public var attachStderr: Bool

    /// Creates an exec of `cmd` with its output attached.
    public init(cmd: [String], env: [String]? = nil, user: String? = nil, workingDir: String? = nil) {
        self.cmd = cmd
        self.env = env
        self.user = user
        self.workingDir = workingDir
        self.attachStdout = true
        self.attachStderr = true
    }

    enum CodingKeys: String, CodingKey {
        case cmd = "Cmd"
        case env = "Env"
        case user = "User"
        case workingDir = "WorkingDir"
        case tty = "Tty"
        case attachStdout = "AttachStdout"
        case attachStderr = "AttachStderr"
    }
}

/// The answer to `GET /exec/{id}/json`.
public struct ExecInspect: Decodable, Sendable, Equatable {
    public var id: String?
    public var running: Bool?
    public var exitCode: Int?
    public var pid: Int?

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case running = "Running"
        case exitCode = "ExitCode"
        case pid = "Pid"
    }
}

/// The output and exit code of an exec run to completion.
public struct ExecResult: Sendable, Equatable {
    public var exitCode: Int
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    /// Standard output as UTF-8 text.
    public var output: String { String(decoding: stdout, as: UTF8.self) }
    /// Standard error as UTF-8 text.
    public var errorOutput: String { String(decoding: stderr, as: UTF8.self) }
}

/// A generic `{"Id": "..."}` answer.
struct IDResponse: Decodable {
    var id: String
    enum CodingKeys: String, CodingKey { case id = "Id" }
}
