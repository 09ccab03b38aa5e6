/// One node of a lab as `twip lab status` shows it.
public struct LabNodeStatus: Sendable, Equatable, Codable {
    /// Container name, hostname and swarm hostname.
    public var node: String
    /// The node container's state on the host engine (`running`, `exited`, ...).
    public var container: String
    /// The node's `DOCKER_HOST`.
    public var api: String
    /// `manager` or `worker`, `leader` for the raft leader; nil when no manager answered.
    public var role: String?
    /// The swarm's view: `ready`, `down`, `unknown`; nil when no manager answered.
    public var state: String?
    /// `active`, `pause` or `drain`.
    public var availability: String?
    /// The running tasks on the node, `SERVICE.SLOT` (global services by name alone), sorted.
    public var tasks: [String]

    /// Creates a row.
    public init(
        node: String, container: String, api: String, role: String?, state: String?, availability: String?,
        tasks: [String]
    ) {
        self.node = node
        self.container = container
        self.api = api
        self.role = role
        self.state = state
        self.availability = availability
        self.tasks = tasks
    }
}

/// A lab as `twip lab status` shows it.
public struct LabStatus: Sendable, Equatable, Codable {
    /// The lab's name (also its Docker context).
    public var lab: String
    public var nodes: [LabNodeStatus]
    /// The edge container's state, nil when it is missing.
    public var edge: String?
    /// `http://127.0.0.1:PORT`, where the edge answers.
    public var entry: String?
    /// The data folder shared by the nodes.
    public var data: String?
    /// The node whose Engine API answered the swarm questions; nil when none did.
    public var answeredBy: String?

    /// Creates a status.
    public init(
        lab: String, nodes: [LabNodeStatus], edge: String?, entry: String?, data: String?, answeredBy: String?
    ) {
        self.lab = lab
        self.nodes = nodes
        self.edge = edge
        self.entry = entry
        self.data = data
        self.answeredBy = answeredBy
    }

    /// The table's header.
    public static let header = ["NODE", "CONTAINER", "API", "ROLE", "STATE", "AVAILABILITY", "TASKS"]

    /// The table's rows: one per node, `-` where the swarm did not say.
    public var rows: [[String]] {
        nodes.map { node in
            [
                node.node, node.container, node.api, node.role ?? "-", node.state ?? "-", node.availability ?? "-",
                node.tasks.isEmpty ? "-" : "\(node.tasks.count): \(node.tasks.joined(separator: " "))",
            ]
        }
    }

    /// The task label of `service`'s task in `slot` (nil for a global service's task).
    public static func taskName(service: String, slot: Int?) -> String {
        slot.map { "\(service).\($0)" } ?? service
    }
}
