/// Why an environment could not be brought where the stack wants it.
public enum DeploymentError: Error, Sendable, Equatable, CustomStringConvertible {
    case imageMissing(service: String, image: String, hint: String)
    case portTaken(service: String, port: Int, address: String?)
    case notReady(container: String, state: String)
    case timedOut(container: String, state: String)
    case dependencyFailed(service: String, dependency: String, exitCode: Int)
    case unknownService(String)
    case cannotReplicate(service: String, reason: String)
    case unavailableObject(service: String, kind: String, name: String, reason: String)
    case releaseFailed(service: String, container: String, state: String, logTail: [String], outcome: String)

    public var description: String {
        switch self {
        case .imageMissing(let service, let image, let hint):
            "service \(service): image \(image) does not exist; \(hint)"
        case .portTaken(let service, let port, let address):
            "service \(service): host port \(address.map { "\($0):" } ?? "")\(port) is already in use; free it, "
                + "move it (TWIP_HTTP_PORT / TWIP_STATS_PORT), or publish through the proxy instead"
        case .notReady(let container, let state):
            "\(container) is not ready: \(state)"
        case .timedOut(let container, let state):
            "\(container) did not become ready in time: \(state)"
        case .dependencyFailed(let service, let dependency, let exitCode):
            "service \(service): dependency \(dependency) exited with code \(exitCode)"
        case .unknownService(let name):
            "no service named \"\(name)\" in the stack"
        case .releaseFailed(let service, let container, let state, let logTail, let outcome):
            "release of \(service) failed: \(container) \(state)"
                + (logTail.isEmpty ? "" : "; its last output: \(logTail.joined(separator: " | "))")
                + (outcome.isEmpty ? "" : "; \(outcome)")
        case .unavailableObject(let service, let kind, let name, let reason):
            "service \(service): \(kind) \"\(name)\" cannot be provided: \(reason)"
        case .cannotReplicate(let service, let reason):
            "service \(service) cannot run more than one replica: \(reason); "
                + "publish it through the proxy instead (drop the fixed host port / container_name)"
        }
    }

    /// What a release undone after a failure says of itself.
    static let rolledBackOutcome = "release rolled back: the previous replicas serve"

    /// Whether this is a release failure that was rolled back.
    public var isRolledBack: Bool {
        if case .releaseFailed(_, _, _, _, let outcome) = self { return outcome == Self.rolledBackOutcome }
        return false
    }

    /// The same failure with what became of the release.
    func with(outcome: String) -> DeploymentError {
        guard case .releaseFailed(let service, let container, let state, let logTail, _) = self else { return self }
        return .releaseFailed(service: service, container: container, state: state, logTail: logTail, outcome: outcome)
    }

    /// Whether the problem is the operator's input (exit 2) rather than a failed operation (exit 1).
    public var isUsage: Bool {
        switch self {
        case .portTaken, .unknownService, .cannotReplicate: true
        default: false
        }
    }
}
