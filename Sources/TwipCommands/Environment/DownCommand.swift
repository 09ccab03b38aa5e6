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

    @Option(help: "text (one line per step with its duration) or json (one event per line, for pipelines).")
    var format: ProgressFormat = .text

    func run() async throws {
        let progress = ProgressRenderer(format: format, command: "down")
        try await progress.run {
            let loaded = try stackOptions.load()
            let volumes = volumes
            try await loaded.withEnvironment(progress: progress) { try await $0.down(volumes: volumes) }
        }
    }
}
