import ArgumentParser
import TwipCore

/// `twip ENV restart`: restart services one replica at a time, so a scaled service stays up.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart services one replica at a time; a scaled service stays up.")

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "Seconds to wait for each replica to become healthy again.")
    var timeout: Int = 300

    @Argument(help: "Services to restart; all when none.")
    var services: [String] = []

    func run() async throws {
        let loaded = try stackOptions.load()
        try checkServices(services, in: loaded)
        try await withEngine { client in
            let deployment = Deployment(
                client: client, stack: loaded.stack, environment: loaded.environment, proxies: loaded.proxies,
                report: { Terminal.standardOutput.write($0 + "\n") })
            try await deployment.restart(services: services.isEmpty ? nil : services, timeout: .seconds(timeout))
        }
    }
}
