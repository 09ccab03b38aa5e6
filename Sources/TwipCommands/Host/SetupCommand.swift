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
            """)

    @Option(help: "Seconds to wait for the engine to answer after starting it.")
    var timeout: Int = 60

    func run() async throws {
        try await EngineSetup(timeout: .seconds(timeout)).run { Terminal.standardOutput.write("setup: \($0)\n") }
    }
}
