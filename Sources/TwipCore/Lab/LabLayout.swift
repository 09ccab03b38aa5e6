import Foundation

/// How a lab's objects are named and addressed on the host engine: one name per node everywhere (container name,
/// hostname, swarm hostname, the NODE of `lab kill`), and every object labelled `io.twip.lab=NAME`.
///
/// Pure: computed from the lab's name, node count, ports and folders.
public struct LabLayout: Sendable, Equatable {
    /// The lab's name: the network, the context, the prefix of every object (`twip-lab` unless told).
    public var name: String
    /// How many engine nodes, all swarm managers.
    public var nodeCount: Int
    /// The host port (on 127.0.0.1) of the first node's Engine API; node K's is `apiPort + K - 1`.
    public var apiPort: Int
    /// The port the edge publishes on 127.0.0.1 and finds every node's entry proxy at (`TWIP_HTTP_PORT`).
    public var entryPort: Int
    /// The host folder bind-mounted into every node at the same path: the stacks' `../data`.
    public var dataDirectory: String
    /// The host folder of the lab's own files (the registry's storage and configuration).
    public var labDirectory: String

    /// The default lab name.
    public static let defaultName = "twip-lab"
    /// The default API port of the first node.
    public static let defaultAPIPort = 23751
    /// Where lab folders live on the host.
    public static let defaultParentDirectory = "/var/lib/twip/lab"
    /// The most nodes a lab has (the API ports and node addresses are laid out for them).
    public static let maximumNodes = 9

    /// Creates a layout.
    public init(
        name: String = LabLayout.defaultName, nodeCount: Int = 3, apiPort: Int = LabLayout.defaultAPIPort,
        entryPort: Int = 80, dataDirectory: String, labDirectory: String? = nil
    ) {
        self.name = name
        self.nodeCount = nodeCount
        self.apiPort = apiPort
        self.entryPort = entryPort
        self.dataDirectory = dataDirectory
        self.labDirectory = labDirectory ?? "\(Self.defaultParentDirectory)/\(name)"
    }

    /// The problems with this layout, before any engine call.
    public var problems: [String] {
        var problems: [String] = []
        if !Self.isValidName(name) {
            problems.append(
                "invalid lab name \"\(name)\": use lower-case letters, digits and '-', starting with a letter")
        }
        if !(1...Self.maximumNodes).contains(nodeCount) {
            problems.append("--nodes \(nodeCount): a lab has 1 to \(Self.maximumNodes) nodes")
        }
        if !(1...65535).contains(apiPort) || apiPort + nodeCount - 1 > 65535 {
            problems.append("--api-port \(apiPort): the nodes' API ports must lie in 1-65535")
        }
        if !(1...65535).contains(entryPort) {
            problems.append("entry port \(entryPort) is not a port")
        }
        if (apiPort...(apiPort + max(nodeCount, 1) - 1)).contains(entryPort) {
            problems.append("entry port \(entryPort) is one of the nodes' API ports")
        }
        if !dataDirectory.hasPrefix("/") { problems.append("data directory \"\(dataDirectory)\" is not absolute") }
        return problems
    }

    /// Whether `name` works as a container, network, volume and context name prefix.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase, name.count <= 40 else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    // MARK: - Names

    /// The name of node `index` (1-based): `NAME-K`.
    public func nodeName(_ index: Int) -> String { "\(name)-\(index)" }
    /// Every node's name, in order.
    public var nodeNames: [String] { (1...max(nodeCount, 1)).map(nodeName) }
    /// The index of the node named `node`, nil when it is not one of this lab's names.
    public func nodeIndex(of node: String) -> Int? {
        guard node.hasPrefix(name + "-"), let index = Int(node.dropFirst(name.count + 1)), index >= 1 else {
            return nil
        }
        return index
    }
    /// The volume holding node `index`'s `/var/lib/docker`.
    public func volumeName(_ index: Int) -> String { "\(nodeName(index))-docker" }
    /// The bridge network the nodes and the edge share.
    public var networkName: String { name }
    /// The edge proxy's container.
    public var edgeName: String { "\(name)-edge" }
    /// The Docker context that points at the first node.
    public var contextName: String { name }
    /// The cgroup the nodes' cgroups are made under: a path with the cgroupfs driver, a slice with systemd.
    public func cgroupParent(driver: String) -> String {
        driver == "systemd" ? "\(name.replacingOccurrences(of: "-", with: "_")).slice" : "/\(name)"
    }
    /// The host address of node `index`'s Engine API.
    public func apiHost(_ index: Int) -> String { "tcp://127.0.0.1:\(apiPort + index - 1)" }
    /// The registry's storage folder, inside the lab folder.
    public var registryStorage: String { "\(labDirectory)/registry" }
    /// The registry's configuration file, inside the lab folder.
    public var registryConfiguration: String { "\(labDirectory)/registry.yml" }

    // MARK: - Labels

    /// Label keys of lab objects.
    public enum Label {
        /// The lab's name, on every lab object.
        public static let lab = "io.twip.lab"
        /// `node` or `edge`.
        public static let role = "io.twip.lab.role"
        /// A node's 1-based index.
        public static let node = "io.twip.lab.node"
        /// The edge's and nodes' entry port.
        public static let entryPort = "io.twip.lab.entry-port"
        /// The data folder bind-mounted into the nodes.
        public static let data = "io.twip.lab.data"
        /// The lab folder on the host.
        public static let directory = "io.twip.lab.directory"
        /// The registry address nodes pull from, on the registry service (the swarm backend pushes there).
        public static let registry = "io.twip.registry"
    }

    /// The labels of a lab object of `role` (`node`, `edge`, `network`, `volume`, `registry`).
    public func labels(role: String, node: Int? = nil) -> [String: String] {
        var labels = [
            Label.lab: name, Label.role: role, Label.entryPort: String(entryPort), Label.data: dataDirectory,
            Label.directory: labDirectory,
        ]
        if let node { labels[Label.node] = String(node) }
        return labels
    }

    // MARK: - Addresses

    /// The address node `index` keeps on the lab network (fixed, so that a restarted manager is found where the
    /// swarm knows it): the subnet's 11th address and on.
    public func nodeAddress(_ index: Int, subnet: IPv4Subnet) -> String { subnet.address(10 + index) }
    /// The edge's address on the lab network.
    public func edgeAddress(subnet: IPv4Subnet) -> String { subnet.address(2) }
}

/// An IPv4 subnet such as `172.19.0.0/16`.
public struct IPv4Subnet: Sendable, Equatable, CustomStringConvertible {
    /// The network address as a 32-bit number.
    public var base: UInt32
    /// The prefix length.
    public var prefix: Int

    /// Parses `A.B.C.D/P`; nil for anything else (IPv6 included).
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let prefix = Int(parts[1]), (8...30).contains(prefix) else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return nil }
        let value = octets.reduce(0) { $0 << 8 | $1 }
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        self.base = value & mask
        self.prefix = prefix
    }

    /// The subnet's address number `offset` (1 is usually the gateway).
    public func address(_ offset: Int) -> String {
        let value = base &+ UInt32(offset)
        return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }

    /// How many addresses the subnet holds.
    public var size: Int { 1 << (32 - prefix) }

    public var description: String { "\(address(0))/\(prefix)" }
}
