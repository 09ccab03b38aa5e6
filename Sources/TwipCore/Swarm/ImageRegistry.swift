import TwipStack

/// The registry a swarm environment's images go through, and who chose it: every node pulls from it, and the engine
/// twip talks to pushes to the same address.
public struct ImageRegistry: Sendable, Hashable, CustomStringConvertible {
    /// Who named the registry, in the order they are asked.
    public enum Origin: Sendable, Hashable, CustomStringConvertible {
        /// `up --registry R`.
        case option
        /// `TWIP_REGISTRY`.
        case environmentVariable
        /// `x-twip: {registry: R}` in the stack file at this path.
        case stack(String)
        /// A swarm service labelled `io.twip.registry=R`.
        case swarmService(String)

        public var description: String {
            switch self {
            case .option: "--registry"
            case .environmentVariable: "TWIP_REGISTRY"
            case .stack(let path): "x-twip.registry in \(path)"
            case .swarmService(let name): "swarm service \(name) labelled \(ImageRegistry.serviceLabel)"
            }
        }
    }

    /// `HOST[:PORT]` with an optional `/path`, as image names carry it.
    public var address: String
    public var origin: Origin

    /// The label a swarm service running a registry carries, its value the address nodes pull from.
    public static let serviceLabel = "io.twip.registry"

    public init(address: String, origin: Origin) {
        self.address = address
        self.origin = origin
    }

    /// The registry given on the command line or in the environment (`--registry`, then `TWIP_REGISTRY`); nil when
    /// neither names one. An address that cannot name a registry is a usage error, found before any engine call.
    public static func given(option: String?, environment: [String: String]) throws -> ImageRegistry? {
        let chosen: ImageRegistry
        if let option {
            chosen = ImageRegistry(address: option, origin: .option)
        } else if let variable = environment["TWIP_REGISTRY"], !variable.isEmpty {
            chosen = ImageRegistry(address: variable, origin: .environmentVariable)
        } else {
            return nil
        }
        if let problem = RegistryAddress.problem(chosen.address) { throw UsageFailure("\(chosen.origin): \(problem)") }
        return chosen
    }

    /// The repository a service's image is pushed to: `REGISTRY/twip-ENV-SERVICE`.
    func repository(environment: String, service: String) -> String {
        "\(address)/twip-\(environment)-\(service)"
    }

    public var description: String { "\(address) (\(origin))" }
}

/// What `up` does with one service's image on a swarm, and what the service's tasks then run.
public struct SwarmImage: Sendable, Hashable {
    public enum Disposition: Sendable, Hashable {
        /// The stack names the image by digest: deployed as written.
        case pinnedInStack
        /// No registry, one node: the tasks run this engine's image by ID.
        case localImageID
        /// The registry already has these bytes under `tag`: nothing to push.
        case inRegistry
        /// Pushed now (or, for a dry run, to be pushed).
        case pushed
    }

    public var service: String
    /// The image the stack names (`names.imageReference(for:)`).
    public var source: String
    public var disposition: Disposition
    /// What the service spec runs: `REGISTRY/REPOSITORY@sha256:...`, `sha256:ID`, or the stack's digest reference.
    public var reference: String
    /// `REGISTRY/REPOSITORY:TAG` when the image goes through a registry.
    public var tagged: String?
    /// The manifest digest in the registry, when known.
    public var digest: String?
}
