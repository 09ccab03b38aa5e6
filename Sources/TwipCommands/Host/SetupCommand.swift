import ArgumentParser
import TwipCore

/// `twip setup`: make this machine ready — install the Docker engine and prerequisites, start dockerd.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Verify, install (apt) and start the Docker engine and the prerequisites twip needs.",
        discussion: """
            Does nothing when the engine already answers and the prerequisites are installed. Starting the engine
            needs root; dockerd then runs in the background with its log in \(EngineSetup.logPath).
            With --swarm, the engine also becomes the manager of a one-node swarm (a second run does nothing) and
            the commands other nodes run to join are printed.
            """)

    @Option(help: "Seconds to wait for the engine to answer after starting it.")
    var timeout: Int = 60

    @Flag(help: "Also make the engine the manager of a one-node swarm (advertising 127.0.0.1) when it is in none.")
    var swarm = false

    func run() async throws {
        let swarm = swarm
        try await EngineSetup(timeout: .seconds(timeout)).run { line in
            // With --swarm there may be something left to do.
            if swarm && line == "nothing to do" { return }
            Terminal.standardOutput.write("setup: \(line)\n")
        }
        guard swarm else { return }
        let setup = try await EngineSession.with { try await $0.setupSwarm() }
        let out = Terminal.standardOutput
        out.write(
            setup.created
                ? "setup: this engine now manages a one-node swarm (node \(setup.nodeID))\n"
                : "setup: this engine already manages a swarm (node \(setup.nodeID)); nothing to do\n")
        for role in SwarmRole.allCases {
            guard let command = setup.joinCommands[role] else { continue }
            out.write("setup: to add a \(role.rawValue), run on that node: \(command)\n")
        }
    }
}
