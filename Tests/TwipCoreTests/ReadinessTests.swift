import Testing

@testable import TwipCore

@Suite struct ReadinessTests {
    @Test(arguments: [
        (ContainerSnapshot(state: .running, health: .healthy), "ready"),
        (ContainerSnapshot(state: .running, health: .none), "ready"),
        (ContainerSnapshot(state: .running, health: .starting), "starting"),
        (ContainerSnapshot(state: .created, health: .none), "starting"),
        (ContainerSnapshot(state: .running, health: .unhealthy, lastHealthOutput: "503\n"), "failed"),
        (ContainerSnapshot(state: .exited, health: .none, exitCode: 1), "failed"),
        (ContainerSnapshot(state: .running, health: .starting, restartCount: 2), "failed"),
        (ContainerSnapshot(state: .restarting, health: .none, exitCode: 137), "failed"),
    ])
    func containerStatesAreJudged(snapshot: ContainerSnapshot, expected: String) {
        let verdict =
            switch Readiness.judge(snapshot, initialRestarts: 0) {
            case .ready: "ready"
            case .starting: "starting"
            case .failed: "failed"
            }
        #expect(verdict == expected)
    }

    @Test func aCrashLoopNamesTheRestartsAndTheExitCode() {
        let verdict = Readiness.judge(
            ContainerSnapshot(state: .running, health: .starting, exitCode: 3, restartCount: 4), initialRestarts: 1)
        #expect(verdict == .failed("crash-looping (restarted 3 times, last exit code 3)"))
    }

    @Test func unhealthyCarriesTheLastHealthCheckOutput() {
        let verdict = Readiness.judge(
            ContainerSnapshot(
                state: .running, health: .unhealthy, lastHealthOutput: "wget: server returned error: HTTP/1.1 503\n"),
            initialRestarts: 0)
        #expect(verdict == .failed("unhealthy: last health check: wget: server returned error: HTTP/1.1 503"))
    }
}
