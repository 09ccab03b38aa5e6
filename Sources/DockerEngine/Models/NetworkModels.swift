/// The body of `POST /networks/create`.
public struct NetworkConfig: Encodable, Sendable, Equatable {
    public var name: String
    public var driver: String?
    public var labels: [String: String]?
    public var `internal`: Bool?
    public var attachable: Bool?
    public var checkDuplicate: Bool?
    /// Driver options (`driver_opts`).
    public var options: [String: String]?
    public var enableIPv6: Bool?
    /// The address plan; the engine picks one when nil.
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
        case options = "Options"
        case enableIPv6 = "EnableIPv6"
        case ipam = "IPAM"
    }
}

/// A network's address plan, as created and inspected.
public struct NetworkIPAM: Codable, Sendable, Equatable {
    public var driver: String?
    public var config: [Pool]?
    public var options: [String: String]?

    /// One address pool: a subnet, the range containers get addresses from, the gateway, reserved addresses.
    public struct Pool: Codable, Sendable, Equatable {
        public var subnet: String?
        public var ipRange: String?
        public var gateway: String?
        public var auxiliaryAddresses: [String: String]?

        /// Creates a pool.
        public init(
            subnet: String? = nil, ipRange: String? = nil, gateway: String? = nil,
            auxiliaryAddresses: [String: String]? = nil
        ) {
            self.subnet = subnet
            self.ipRange = ipRange
            self.gateway = gateway
            self.auxiliaryAddresses = auxiliaryAddresses
        }

        enum CodingKeys: String, CodingKey {
            case subnet = "Subnet"
            case ipRange = "IPRange"
            case gateway = "Gateway"
            case auxiliaryAddresses = "AuxiliaryAddresses"
        }
    }

    /// Creates an address plan.
    public init(driver: String? = nil, config: [Pool]? = nil, options: [String: String]? = nil) {
        self.driver = driver
        self.config = config
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case driver = "Driver"
        case config = "Config"
        case options = "Options"
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
    public var enableIPv6: Bool?
    public var attachable: Bool?
    public var `internal`: Bool?
    public var options: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case driver = "Driver"
        case scope = "Scope"
        case labels = "Labels"
        case containers = "Containers"
        case ipam = "IPAM"
        case enableIPv6 = "EnableIPv6"
        case attachable = "Attachable"
        case `internal` = "Internal"
        case options = "Options"
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
