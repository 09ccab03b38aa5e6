import ArgumentParser
import TwipCore

/// `twip ENV rollback`: return to the previous release, with the images kept from it (no rebuild).
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Return every service whose image changed in the last release to the image it ran before.",
        discussion: """
            Each release keeps the image a service ran until then as REPOSITORY:previous; rollback swaps it back and
            releases it (start-first where the proxy follows). A second rollback goes forward again. The
            configuration is the stack's as it is now.
            """)

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "Seconds to wait for the replicas to become healthy.")
    var timeout: Int = 300

    @Option(help: "text (one line per step with its duration) or json (one event per line, for pipelines).")
    var format: ProgressFormat = .text

    func run() async throws {
        let progress = ProgressRenderer(format: format, command: "rollback")
        try await progress.run {
            let loaded = try stackOptions.load()
            guard timeout > 0 else { throw UsageError("--timeout must be a positive number of seconds") }
            let timeout = timeout
            let services = try await loaded.withEnvironment(progress: progress) {
                try await $0.rollback(timeout: .seconds(timeout))
            }
            progress.note("\(loaded.environment): rolled back \(services.joined(separator: ", "))")
        }
    }
}
