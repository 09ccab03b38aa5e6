import Foundation

/// One look at a container while twip waits for it to become ready.
public struct ContainerSnapshot: Sendable, Hashable {
    public var state: ObservedContainer.State
    public var health: ObservedContainer.Health
    public var exitCode: Int
    public var restartCount: Int
    /// The output of the last health check, if any ran.
    public var lastHealthOutput: String?

    public init(
        state: ObservedContainer.State, health: ObservedContainer.Health, exitCode: Int = 0, restartCount: Int = 0,
        lastHealthOutput: String? = nil
    ) {
        self.state = state
        self.health = health
        self.exitCode = exitCode
        self.restartCount = restartCount
        self.lastHealthOutput = lastHealthOutput
    }
}

/// Whether a container that was just started is ready, still starting, or has failed.
public enum Readiness: Sendable, Hashable {
    case ready
    case starting(String)
    case failed(String)

    /// Judges `snapshot` of a container whose restart count was `initialRestarts` when twip started it.
    ///
    /// A container that restarted since is crash-looping and counts as failed, not as starting: a restart
    /// policy would otherwise keep it "starting" until the timeout.
    public static func judge(_ snapshot: ContainerSnapshot, initialRestarts: Int) -> Readiness {
        let lastCheck = snapshot.lastHealthOutput.map { ": last health check: \(Self.oneLine($0))" } ?? ""
        if snapshot.restartCount > initialRestarts || snapshot.state == .restarting {
            let restarts = snapshot.restartCount - initialRestarts
            return .failed(
                "crash-looping (restarted \(max(restarts, 1)) time\(restarts == 1 ? "" : "s"), last exit code \(snapshot.exitCode))"
            )
        }
        switch snapshot.state {
        case .exited, .dead:
            return .failed("\(snapshot.state.rawValue) with exit code \(snapshot.exitCode)")
        case .created, .removing, .paused:
            return .starting(snapshot.state.rawValue)
        case .running, .restarting:
            break
        }
        switch snapshot.health {
        case .none, .healthy: return .ready
        case .starting: return .starting("running, health: starting\(lastCheck)")
        case .unhealthy: return .failed("unhealthy\(lastCheck)")
        }
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return flat.count > 200 ? String(flat.prefix(200)) + "…" : flat
    }
}
