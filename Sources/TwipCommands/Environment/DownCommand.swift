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
        let volumes = volumes
        try await loaded.withEnvironment { try await $0.down(volumes: volumes) }
    }
}
