import ArgumentParser
import TwipCore

/// `twip ENV restart`: restart services one replica at a time, so a scaled service stays up.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart services one replica at a time; a scaled service stays up.")

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "Seconds to wait for each replica to become healthy again.")
    var timeout: Int = 300

    @Option(help: "text (one line per step with its duration) or json (one event per line, for pipelines).")
    var format: ProgressFormat = .text

    @Argument(help: "Services to restart; all when none.")
    var services: [String] = []

    func run() async throws {
        let progress = ProgressRenderer(format: format, command: "restart")
        try await progress.run {
            let loaded = try stackOptions.load()
            try loaded.checkServices(services)
            let services = services
            let timeout = timeout
            try await loaded.withEnvironment(progress: progress) {
                try await $0.restart(services: services.isEmpty ? nil : services, timeout: .seconds(timeout))
            }
        }
    }
}
