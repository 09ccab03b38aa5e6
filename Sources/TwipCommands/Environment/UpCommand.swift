import ArgumentParser
import TwipCore
import TwipStack

/// `twip ENV up`: converge the environment on the engine with its stack.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Create, recreate and start what differs from the stack; idempotent.")

    @OptionGroup var stackOptions: StackOptions

    @Flag(help: "Return only when every container is running and healthy.")
    var wait = false

    @Option(help: "Seconds to wait for readiness before failing.")
    var timeout: Int = 300

    @Argument(help: "Services to bring up (with what they depend on); all when none.")
    var services: [String] = []

    func run() async throws {
        let loaded = try stackOptions.load()
        try checkServices(services, in: loaded)
        guard timeout > 0 else { throw UsageError("--timeout must be a positive number of seconds") }
        try await withEngine { client in
            let deployment = Deployment(
                client: client, stack: loaded.stack, environment: loaded.environment, proxies: loaded.proxies,
                report: { Terminal.standardOutput.write($0 + "\n") })
            try await deployment.up(
                selection: services.isEmpty ? nil : services, wait: wait, timeout: .seconds(timeout))
        }
    }
}

/// Refuses service names the stack does not have (exit 2), before any engine call.
func checkServices(_ names: [String], in loaded: LoadedEnvironment) throws {
    for name in names where loaded.stack.service(named: name) == nil {
        let known = loaded.stack.services.map(\.name).joined(separator: ", ")
        throw UsageError("\(loaded.displayPath): no service named \"\(name)\" (services: \(known))")
    }
}
