import ArgumentParser
import Foundation
import TwipCore

/// `twip ENV logs`: every replica's output, each line prefixed by its container name.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Show the output of the environment's containers, prefixed by container name.")

    @OptionGroup var stackOptions: StackOptions

    @Flag(name: [.short, .long], help: "Follow the output live.")
    var follow = false

    @Option(help: "Lines to show from the end of each container's output.")
    var tail: Int?

    @Argument(help: "Services to show; all when none.")
    var services: [String] = []

    func run() async throws {
        let loaded = try stackOptions.load()
        try loaded.checkServices(services)
        let (follow, tail, services) = (follow, tail, services)
        try await loaded.withEnvironment { environment in
            let width =
                try await environment.ps().filter { services.isEmpty || services.contains($0.service) }
                .map(\.name.count).max() ?? 0
            try await environment.logs(services: services, follow: follow, tail: tail) { line in
                let prefix = line.container.padding(toLength: width, withPad: " ", startingAt: 0) + " | "
                Terminal.standardOutput.write(prefix + line.text + "\n")
            }
        }
    }
}
