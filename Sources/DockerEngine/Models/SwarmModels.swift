/// A swarm as `GET /swarm` shows it to a manager.
public struct SwarmInspect: Decodable, Sendable, Equatable {
    public var id: String
    public var joinTokens: JoinTokens?
    public var version: ObjectVersion?

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case joinTokens = "JoinTokens"
        case version = "Version"
    }
}

/// The secrets other engines present to join a swarm.
public struct JoinTokens: Decodable, Sendable, Equatable {
    public var worker: String
    public var manager: String

    enum CodingKeys: String, CodingKey {
        case worker = "Worker"
        case manager = "Manager"
    }
}

/// The version of a swarm object, sent back on updates so that concurrent changes are refused.
public struct ObjectVersion: Codable, Sendable, Equatable, Hashable {
    public var index: UInt64

    /// Creates a version.
    public init(index: UInt64) { self.index = index }

    enum CodingKeys: String, CodingKey { case index = "Index" }
}

/// The body of `POST /swarm/init`.
public struct SwarmInitRequest: Encodable, Sendable, Equatable {
    /// Where the manager listens for other nodes, e.g. `0.0.0.0:2377`.
    public var listenAddr: String
    /// The address other nodes reach this one at, e.g. `127.0.0.1`.
    public var advertiseAddr: String?
    /// The swarm's settings; nil keeps the engine's defaults.
    public var spec: SwarmSpec?

    /// Creates an init request.
    public init(listenAddr: String = "0.0.0.0:2377", advertiseAddr: String? = nil, spec: SwarmSpec? = nil) {
        self.listenAddr = listenAddr
        self.advertiseAddr = advertiseAddr
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey {
        case listenAddr = "ListenAddr"
        case advertiseAddr = "AdvertiseAddr"
        case spec = "Spec"
    }
}

/// The settings of a swarm twip chooses: how often nodes report to the managers.
public struct SwarmSpec: Encodable, Sendable, Equatable {
    /// Nanoseconds between a node's heartbeats; a node missing them is marked down (the engine's default is 5 s).
    public var dispatcherHeartbeat: Int64?

    /// Creates swarm settings.
    public init(dispatcherHeartbeat: Int64? = nil) { self.dispatcherHeartbeat = dispatcherHeartbeat }

    enum CodingKeys: String, CodingKey { case dispatcher = "Dispatcher" }
    private struct Dispatcher: Encodable {
        var heartbeatPeriod: Int64?
        enum CodingKeys: String, CodingKey { case heartbeatPeriod = "HeartbeatPeriod" }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Dispatcher(heartbeatPeriod: dispatcherHeartbeat), forKey: .dispatcher)
    }
}

/// The body of `POST /swarm/join`.
public struct SwarmJoinRequest: Encodable, Sendable, Equatable {
    /// Where the new node listens for other nodes, e.g. `0.0.0.0:2377`.
    public var listenAddr: String
    /// The address other nodes reach the new one at.
    public var advertiseAddr: String?
    /// Managers already in the swarm, `HOST:2377`.
    public var remoteAddrs: [String]
    /// The worker or manager join token.
    public var joinToken: String

    /// Creates a join request.
    public init(listenAddr: String = "0.0.0.0:2377", advertiseAddr: String?, remoteAddrs: [String], joinToken: String) {
        self.listenAddr = listenAddr
        self.advertiseAddr = advertiseAddr
        self.remoteAddrs = remoteAddrs
        self.joinToken = joinToken
    }

    enum CodingKeys: String, CodingKey {
        case listenAddr = "ListenAddr"
        case advertiseAddr = "AdvertiseAddr"
        case remoteAddrs = "RemoteAddrs"
        case joinToken = "JoinToken"
    }
}

/// What this engine is in a swarm, from `GET /info`.
public struct LocalSwarmState: Sendable, Equatable {
    /// `inactive`, `pending`, `active`, `error` or `locked`.
    public var localNodeState: String
    /// The node's ID when it is part of a swarm.
    public var nodeID: String?
    /// True when the node is a manager (it can change services).
    public var isManager: Bool
    /// Where the node listens for other nodes, e.g. `127.0.0.1`.
    public var nodeAddress: String?
    /// The managers' addresses, e.g. `127.0.0.1:2377`.
    public var managers: [String]

    /// True when the node is part of a swarm.
    public var isActive: Bool { localNodeState == "active" }
}

/// The `Swarm` part of `GET /info`.
struct InfoSwarm: Decodable {
    struct Swarm: Decodable {
        var localNodeState: String?
        var nodeID: String?
        var controlAvailable: Bool?
        var nodeAddr: String?
        var remoteManagers: [RemoteManager]?

        enum CodingKeys: String, CodingKey {
            case localNodeState = "LocalNodeState"
            case nodeID = "NodeID"
            case controlAvailable = "ControlAvailable"
            case nodeAddr = "NodeAddr"
            case remoteManagers = "RemoteManagers"
        }
    }

    struct RemoteManager: Decodable {
        var addr: String?
        enum CodingKeys: String, CodingKey { case addr = "Addr" }
    }

    var swarm: Swarm?
    enum CodingKeys: String, CodingKey { case swarm = "Swarm" }
}

/// A node of the swarm as `GET /nodes` lists it.
public struct SwarmNode: Decodable, Sendable, Equatable {
    public var id: String
    public var hostname: String?
    /// `worker` or `manager`.
    public var role: String?
    /// `active`, `pause` or `drain`.
    public var availability: String?
    /// `ready`, `down`, `unknown` or `disconnected`.
    public var state: String?
    public var address: String?
    public var isLeader: Bool

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case description = "Description"
        case spec = "Spec"
        case status = "Status"
        case managerStatus = "ManagerStatus"
    }

    private struct Description: Decodable {
        var hostname: String?
        enum CodingKeys: String, CodingKey { case hostname = "Hostname" }
    }
    private struct Spec: Decodable {
        var role: String?
        var availability: String?
        enum CodingKeys: String, CodingKey {
            case role = "Role"
            case availability = "Availability"
        }
    }
    private struct Status: Decodable {
        var state: String?
        var addr: String?
        enum CodingKeys: String, CodingKey {
            case state = "State"
            case addr = "Addr"
        }
    }
    private struct ManagerStatus: Decodable {
        var leader: Bool?
        enum CodingKeys: String, CodingKey { case leader = "Leader" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        hostname = try container.decodeIfPresent(Description.self, forKey: .description)?.hostname
        let spec = try container.decodeIfPresent(Spec.self, forKey: .spec)
        role = spec?.role
        availability = spec?.availability
        let status = try container.decodeIfPresent(Status.self, forKey: .status)
        state = status?.state
        address = status?.addr
        isLeader = try container.decodeIfPresent(ManagerStatus.self, forKey: .managerStatus)?.leader ?? false
    }
}
