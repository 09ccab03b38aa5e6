/// The body of `POST /networks/create`.
public struct NetworkConfig: Encodable, Sendable, Equatable {
    public var name: String
    public var driver: String?
    public var labels: [String: String]?
    public var `internal`: Bool?
    public var attachable: Bool?
    public var checkDuplicate: Bool?

    /// Creates a network config (bridge driver unless told otherwise).
    public init(name: String, driver: String? = "bridge", labels: [String: String]? = nil) {
        self.name = name
        self.driver = driver
        self.labels = labels
        self.checkDuplicate = true
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case driver = "Driver"
        case labels = "Labels"
        case `internal` = "Internal"
        case attachable = "Attachable"
        case checkDuplicate = "CheckDuplicate"
    }
}

/// A network as listed or inspected.
public struct NetworkInspect: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var driver: String?
    public var scope: String?
    public var labels: [String: String]?
    public var containers: [String: NetworkContainer]?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case driver = "Driver"
        case scope = "Scope"
        case labels = "Labels"
        case containers = "Containers"
    }
}

/// A container attached to an inspected network.
public struct NetworkContainer: Decodable, Sendable, Equatable {
    public var name: String?
    public var ipv4Address: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case ipv4Address = "IPv4Address"
    }
}

/// A volume as created, listed or inspected.
public struct Volume: Decodable, Sendable, Equatable {
    public var name: String
    public var driver: String?
    public var mountpoint: String?
    public var labels: [String: String]?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case driver = "Driver"
        case mountpoint = "Mountpoint"
        case labels = "Labels"
    }
}

/// The body of `POST /volumes/create`.
struct VolumeConfig: Encodable {
    var name: String
    var driver: String?
    var labels: [String: String]?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case driver = "Driver"
        case labels = "Labels"
    }
}

/// The answer to `GET /volumes`.
struct VolumeList: Decodable {
    var volumes: [Volume]?
    enum CodingKeys: String, CodingKey { case volumes = "Volumes" }
}
