import ArgumentParser
import TwipCore

/// `twip ENV scale SERVICE=N...`: change replica counts with the proxy following.
struct ScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Change replica counts; new replicas get traffic once healthy, removed ones are drained first.")

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "Seconds to wait for new replicas to become healthy.")
    var timeout: Int = 300

    @Option(help: "text (one line per step with its duration) or json (one event per line, for pipelines).")
    var format: ProgressFormat = .text

    @Argument(help: "SERVICE=N pairs, e.g. web=3.")
    var counts: [String]

    func run() async throws {
        let progress = ProgressRenderer(format: format, command: "scale")
        try await progress.run {
            let loaded = try stackOptions.load()
            let wanted = try Self.parse(counts)
            try loaded.checkServices(Array(wanted.keys))
            let timeout = timeout
            try await loaded.withEnvironment(progress: progress) {
                try await $0.scale(wanted, timeout: .seconds(timeout))
            }
        }
    }

    /// `["web=3", "static=2"]` as a map; anything else is a usage error.
    static func parse(_ pairs: [String]) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), count >= 0 else {
                throw UsageError("invalid scale \"\(pair)\": expected SERVICE=N with N a whole number ≥ 0")
            }
            guard count <= 100 else { throw UsageError("invalid scale \"\(pair)\": at most 100 replicas") }
            result[parts[0]] = count
        }
        return result
    }
}
