/// The answer to `GET /version`.
public struct EngineVersion: Decodable, Sendable, Equatable {
    public var version: String
    public var apiVersion: String
    public var minAPIVersion: String?
    public var os: String?
    public var arch: String?
    public var kernelVersion: String?
    public var gitCommit: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion"
        case os = "Os"
        case arch = "Arch"
        case kernelVersion = "KernelVersion"
        case gitCommit = "GitCommit"
    }
}

/// The parts of `GET /info` twip shows.
public struct EngineInfo: Decodable, Sendable, Equatable {
    public var id: String?
    public var name: String?
    public var serverVersion: String?
    public var containers: Int?
    public var containersRunning: Int?
    public var images: Int?
    public var driver: String?
    public var dockerRootDir: String?
    public var operatingSystem: String?
    public var ncpu: Int?
    public var memTotal: Int64?
    /// `cgroupfs` or `systemd`.
    public var cgroupDriver: String?
    /// The engine's labels (`dockerd --label KEY=VALUE`).
    public var labels: [String]?

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case name = "Name"
        case serverVersion = "ServerVersion"
        case containers = "Containers"
        case containersRunning = "ContainersRunning"
        case images = "Images"
        case driver = "Driver"
        case dockerRootDir = "DockerRootDir"
        case operatingSystem = "OperatingSystem"
        case ncpu = "NCPU"
        case memTotal = "MemTotal"
        case cgroupDriver = "CgroupDriver"
        case labels = "Labels"
    }
}

/// One event from `GET /events`.
public struct EngineEvent: Decodable, Sendable, Equatable {
    /// `container`, `image`, `network`, `volume`, ...
    public var type: String?
    /// `create`, `start`, `die`, `health_status: healthy`, ...
    public var action: String?
    public var actor: Actor?
    public var time: Int64?
    public var timeNano: Int64?

    /// The object an event is about.
    public struct Actor: Decodable, Sendable, Equatable {
        public var id: String?
        public var attributes: [String: String]?
        enum CodingKeys: String, CodingKey {
            case id = "ID"
            case attributes = "Attributes"
        }
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case action = "Action"
        case actor = "Actor"
        case time = "time"
        case timeNano = "timeNano"
    }
}
