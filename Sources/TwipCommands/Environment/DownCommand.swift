import ArgumentParser
import TwipCore

/// `twip ENV down`: remove the environment's containers and networks.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Remove the environment's containers and networks (data/ is never touched).")

    @OptionGroup var stackOptions: StackOptions

    @Flag(help: "Also remove the environment's named volumes.")
    var volumes = false

    func run() async throws {
        let loaded = try stackOptions.load()
        try await withEngine { client in
            let deployment = Deployment(
                client: client, stack: loaded.stack, environment: loaded.environment, proxies: loaded.proxies,
                report: { Terminal.standardOutput.write($0 + "\n") })
            try await deployment.down(volumes: volumes)
        }
    }
}
