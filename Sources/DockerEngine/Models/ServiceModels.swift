/// What a swarm service runs and how: the body of `POST /services/create` and `/services/{id}/update`, and the
/// `Spec` of an inspected service. Durations are nanoseconds, as the Engine API wants them.
public struct ServiceSpec: Codable, Sendable, Equatable {
    public var name: String
    public var labels: [String: String]?
    public var taskTemplate: TaskSpec
    public var mode: ServiceMode?
    public var updateConfig: ServiceUpdateConfig?
    public var rollbackConfig: ServiceUpdateConfig?
    public var endpointSpec: EndpointSpec?

    /// Creates a spec for a service named `name` running `taskTemplate`.
    public init(name: String, taskTemplate: TaskSpec) {
        self.name = name
        self.taskTemplate = taskTemplate
    }

    /// The replicas wanted, nil for a global service.
    public var replicas: Int? {
        get { mode?.replicated?.replicas }
        set { mode = ServiceMode(replicated: .init(replicas: newValue ?? 0)) }
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case labels = "Labels"
        case taskTemplate = "TaskTemplate"
        case mode = "Mode"
        case updateConfig = "UpdateConfig"
        case rollbackConfig = "RollbackConfig"
        case endpointSpec = "EndpointSpec"
    }
}

/// What each task of a service runs.
public struct TaskSpec: Codable, Sendable, Equatable {
    public var containerSpec: ContainerSpec
    public var resources: ResourceRequirements?
    public var restartPolicy: SwarmRestartPolicy?
    public var placement: Placement?
    public var networks: [NetworkAttachment]?
    /// Bumped to replace every task although nothing else changed.
    public var forceUpdate: UInt64?

    /// Creates a task template.
    public init(containerSpec: ContainerSpec) { self.containerSpec = containerSpec }

    enum CodingKeys: String, CodingKey {
        case containerSpec = "ContainerSpec"
        case resources = "Resources"
        case restartPolicy = "RestartPolicy"
        case placement = "Placement"
        case networks = "Networks"
        case forceUpdate = "ForceUpdate"
    }
}

/// The container a task runs.
public struct ContainerSpec: Codable, Sendable, Equatable {
    public var image: String
    public var labels: [String: String]?
    public var command: [String]?
    public var args: [String]?
    public var hostname: String?
    public var env: [String]?
    public var dir: String?
    public var user: String?
    public var mounts: [ServiceMount]?
    public var stopSignal: String?
    public var stopGracePeriod: Int64?
    public var healthcheck: HealthConfig?
    public var readOnly: Bool?
    public var initProcess: Bool?

    /// Creates a container spec running `image`.
    public init(image: String) { self.image = image }

    enum CodingKeys: String, CodingKey {
        case image = "Image"
        case labels = "Labels"
        case command = "Command"
        case args = "Args"
        case hostname = "Hostname"
        case env = "Env"
        case dir = "Dir"
        case user = "User"
        case mounts = "Mounts"
        case stopSignal = "StopSignal"
        case stopGracePeriod = "StopGracePeriod"
        case healthcheck = "Healthcheck"
        case readOnly = "ReadOnly"
        case initProcess = "Init"
    }
}

/// CPU and memory limits and reservations of each task.
public struct ResourceRequirements: Codable, Sendable, Equatable {
    public var limits: TaskResources?
    public var reservations: TaskResources?

    /// Creates resource requirements.
    public init(limits: TaskResources? = nil, reservations: TaskResources? = nil) {
        self.limits = limits
        self.reservations = reservations
    }

    enum CodingKeys: String, CodingKey {
        case limits = "Limits"
        case reservations = "Reservations"
    }
}

/// An amount of CPU (in billionths of a CPU) and memory (bytes).
public struct TaskResources: Codable, Sendable, Equatable {
    public var nanoCPUs: Int64?
    public var memoryBytes: Int64?

    /// Creates an amount.
    public init(nanoCPUs: Int64? = nil, memoryBytes: Int64? = nil) {
        self.nanoCPUs = nanoCPUs
        self.memoryBytes = memoryBytes
    }

    enum CodingKeys: String, CodingKey {
        case nanoCPUs = "NanoCPUs"
        case memoryBytes = "MemoryBytes"
    }
}

/// When the swarm restarts a task: `none`, `on-failure` or `any`.
public struct SwarmRestartPolicy: Codable, Sendable, Equatable {
    public var condition: String?
    public var delay: Int64?
    public var maxAttempts: UInt64?
    public var window: Int64?

    /// Creates a restart policy.
    public init(condition: String? = nil, delay: Int64? = nil, maxAttempts: UInt64? = nil, window: Int64? = nil) {
        self.condition = condition
        self.delay = delay
        self.maxAttempts = maxAttempts
        self.window = window
    }

    enum CodingKeys: String, CodingKey {
        case condition = "Condition"
        case delay = "Delay"
        case maxAttempts = "MaxAttempts"
        case window = "Window"
    }
}

/// Where tasks may run.
public struct Placement: Codable, Sendable, Equatable {
    public var constraints: [String]?
    public var maxReplicas: UInt64?

    /// Creates a placement.
    public init(constraints: [String]? = nil, maxReplicas: UInt64? = nil) {
        self.constraints = constraints
        self.maxReplicas = maxReplicas
    }

    enum CodingKeys: String, CodingKey {
        case constraints = "Constraints"
        case maxReplicas = "MaxReplicas"
    }
}

/// A network a service's tasks join, with their DNS aliases on it.
public struct NetworkAttachment: Codable, Sendable, Equatable {
    public var target: String
    public var aliases: [String]?

    /// Creates an attachment to `target` (a network name or ID).
    public init(target: String, aliases: [String]? = nil) {
        self.target = target
        self.aliases = aliases
    }

    enum CodingKeys: String, CodingKey {
        case target = "Target"
        case aliases = "Aliases"
    }
}

/// Replicated (a number of tasks) or global (one task per node).
public struct ServiceMode: Codable, Sendable, Equatable {
    public var replicated: Replicated?
    public var global: EmptyObject?

    /// A replicated mode.
    public struct Replicated: Codable, Sendable, Equatable {
        public var replicas: Int?
        /// Creates a replicated mode.
        public init(replicas: Int?) { self.replicas = replicas }
        enum CodingKeys: String, CodingKey { case replicas = "Replicas" }
    }

    /// Creates a mode; `global` when `replicated` is nil.
    public init(replicated: Replicated?) {
        self.replicated = replicated
        self.global = replicated == nil ? EmptyObject() : nil
    }

    enum CodingKeys: String, CodingKey {
        case replicated = "Replicated"
        case global = "Global"
    }
}

/// How a service's tasks are replaced on an update (or a rollback).
public struct ServiceUpdateConfig: Codable, Sendable, Equatable {
    public var parallelism: UInt64?
    public var delay: Int64?
    /// `pause`, `continue` or `rollback`.
    public var failureAction: String?
    public var monitor: Int64?
    public var maxFailureRatio: Double?
    /// `stop-first` or `start-first`.
    public var order: String?

    /// Creates an update config.
    public init(
        parallelism: UInt64? = nil, delay: Int64? = nil, failureAction: String? = nil, monitor: Int64? = nil,
        maxFailureRatio: Double? = nil, order: String? = nil
    ) {
        self.parallelism = parallelism
        self.delay = delay
        self.failureAction = failureAction
        self.monitor = monitor
        self.maxFailureRatio = maxFailureRatio
        self.order = order
    }

    enum CodingKeys: String, CodingKey {
        case parallelism = "Parallelism"
        case delay = "Delay"
        case failureAction = "FailureAction"
        case monitor = "Monitor"
        case maxFailureRatio = "MaxFailureRatio"
        case order = "Order"
    }
}

/// How a service is reached: `vip` or `dnsrr`, and its published ports.
public struct EndpointSpec: Codable, Sendable, Equatable {
    public var mode: String?
    public var ports: [ServicePort]?

    /// Creates an endpoint spec.
    public init(mode: String? = nil, ports: [ServicePort]? = nil) {
        self.mode = mode
        self.ports = ports
    }

    enum CodingKeys: String, CodingKey {
        case mode = "Mode"
        case ports = "Ports"
    }
}

/// A port a service publishes: through the routing mesh (`ingress`) or on the node running the task (`host`).
public struct ServicePort: Codable, Sendable, Equatable, Hashable {
    public var `protocol`: String?
    public var targetPort: Int
    public var publishedPort: Int?
    public var publishMode: String?

    /// Creates a published port.
    public init(protocol: String? = "tcp", targetPort: Int, publishedPort: Int? = nil, publishMode: String? = nil) {
        self.protocol = `protocol`
        self.targetPort = targetPort
        self.publishedPort = publishedPort
        self.publishMode = publishMode
    }

    enum CodingKeys: String, CodingKey {
        case `protocol` = "Protocol"
        case targetPort = "TargetPort"
        case publishedPort = "PublishedPort"
        case publishMode = "PublishMode"
    }
}

/// A swarm service as `GET /services` lists it.
public struct SwarmService: Decodable, Sendable, Equatable {
    public var id: String
    public var version: ObjectVersion
    public var spec: ServiceSpec
    public var previousSpec: ServiceSpec?
    public var updateStatus: UpdateStatus?
    /// Running and desired tasks (asked for with `status=true`).
    public var serviceStatus: ServiceTaskCounts?

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case version = "Version"
        case spec = "Spec"
        case previousSpec = "PreviousSpec"
        case updateStatus = "UpdateStatus"
        case serviceStatus = "ServiceStatus"
    }
}

/// Where the last update of a service stands.
public struct UpdateStatus: Decodable, Sendable, Equatable {
    /// `updating`, `paused`, `completed`, `rollback_started`, `rollback_paused` or `rollback_completed`.
    public var state: String?
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case state = "State"
        case message = "Message"
    }
}

/// How many tasks of a service run and how many are wanted.
public struct ServiceTaskCounts: Decodable, Sendable, Equatable {
    public var runningTasks: Int
    public var desiredTasks: Int

    enum CodingKeys: String, CodingKey {
        case runningTasks = "RunningTasks"
        case desiredTasks = "DesiredTasks"
    }
}

/// The answer to `POST /services/create` and `/services/{id}/update`.
public struct ServiceWriteResponse: Decodable, Sendable, Equatable {
    /// The new service's ID (create only).
    public var id: String?
    public var warnings: [String]?

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case warnings = "Warnings"
    }
}

/// One task of a service: a slot (replicated) or a node (global) running one container.
public struct SwarmTask: Decodable, Sendable, Equatable {
    public var id: String
    public var serviceID: String
    public var slot: Int?
    public var nodeID: String?
    /// What the swarm wants: `running`, `shutdown`, ...
    public var desiredState: String?
    public var status: TaskStatus
    public var spec: TaskSpec?
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case serviceID = "ServiceID"
        case slot = "Slot"
        case nodeID = "NodeID"
        case desiredState = "DesiredState"
        case status = "Status"
        case spec = "Spec"
        case createdAt = "CreatedAt"
    }
}

/// What a task is doing.
public struct TaskStatus: Decodable, Sendable, Equatable {
    /// `new`, `pending`, `assigned`, `accepted`, `preparing`, `starting`, `running`, `complete`, `shutdown`,
    /// `failed`, `rejected`, `remove`, `orphaned`.
    public var state: String
    public var message: String?
    public var err: String?
    public var timestamp: String?
    public var containerStatus: ContainerStatus?

    /// The container behind a task.
    public struct ContainerStatus: Decodable, Sendable, Equatable {
        public var containerID: String?
        public var exitCode: Int?
        enum CodingKeys: String, CodingKey {
            case containerID = "ContainerID"
            case exitCode = "ExitCode"
        }
    }

    enum CodingKeys: String, CodingKey {
        case state = "State"
        case message = "Message"
        case err = "Err"
        case timestamp = "Timestamp"
        case containerStatus = "ContainerStatus"
    }
}

/// A mount of a task's container: a bind, a volume (created on each node with `volumeOptions`) or a tmpfs.
public struct ServiceMount: Codable, Sendable, Equatable {
    /// `bind`, `volume` or `tmpfs`.
    public var type: String
    public var source: String?
    public var target: String
    public var readOnly: Bool?
    public var volumeOptions: VolumeOptions?

    /// Creates a mount.
    public init(
        type: String, source: String?, target: String, readOnly: Bool? = nil, volumeOptions: VolumeOptions? = nil
    ) {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.volumeOptions = volumeOptions
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case source = "Source"
        case target = "Target"
        case readOnly = "ReadOnly"
        case volumeOptions = "VolumeOptions"
    }
}

/// How a node creates the volume of a mount it does not have yet: its labels and driver (e.g. `local` with NFS
/// options, so every node mounts the same share).
public struct VolumeOptions: Codable, Sendable, Equatable {
    public var labels: [String: String]?
    public var driverConfig: DriverConfig?

    /// A volume driver and its options.
    public struct DriverConfig: Codable, Sendable, Equatable {
        public var name: String?
        public var options: [String: String]?
        /// Creates a driver config.
        public init(name: String?, options: [String: String]?) {
            self.name = name
            self.options = options
        }
        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case options = "Options"
        }
    }

    /// Creates volume options.
    public init(labels: [String: String]? = nil, driverConfig: DriverConfig? = nil) {
        self.labels = labels
        self.driverConfig = driverConfig
    }

    enum CodingKeys: String, CodingKey {
        case labels = "Labels"
        case driverConfig = "DriverConfig"
    }
}
