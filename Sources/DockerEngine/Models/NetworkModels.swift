/// The body of `POST /networks/create`.
public struct NetworkConfig: Encodable, Sendable, Equatable {
    public var name: String
    public var driver: String?
    public var labels: [String: String]?
    public var `internal`: Bool?
    public var attachable: Bool?
    public var checkDuplicate: Bool?
    /// Address management: the subnets a network's containers get addresses from (nil: the engine picks one).
    public var ipam: NetworkIPAM?

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
        case ipam = "IPAM"
    }
}

/// A network's address management: its subnets.
public struct NetworkIPAM: Codable, Sendable, Equatable {
    public var config: [IPAMConfig]?

    /// Creates an address management with `config`.
    public init(config: [IPAMConfig]?) { self.config = config }

    enum CodingKeys: String, CodingKey { case config = "Config" }
}

/// One subnet of a network, e.g. `172.20.0.0/16` with gateway `172.20.0.1`.
public struct IPAMConfig: Codable, Sendable, Equatable {
    public var subnet: String?
    public var gateway: String?

    /// Creates a subnet entry.
    public init(subnet: String?, gateway: String? = nil) {
        self.subnet = subnet
        self.gateway = gateway
    }

    enum CodingKeys: String, CodingKey {
        case subnet = "Subnet"
        case gateway = "Gateway"
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
    public var ipam: NetworkIPAM?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case driver = "Driver"
        case scope = "Scope"
        case labels = "Labels"
        case containers = "Containers"
        case ipam = "IPAM"
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
