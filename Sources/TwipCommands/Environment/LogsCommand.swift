import ArgumentParser
import DockerEngine
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
        try checkServices(services, in: loaded)
        let names = EnvironmentNames(environment: loaded.environment)
        let follow = follow
        let tail = tail
        let wanted = Set(services)
        try await withEngine { client in
            let containers = try await client.listContainers(all: true, filters: .labels([names.labelFilter]))
                .compactMap(ContainerRow.init)
                .filter { wanted.isEmpty || wanted.contains($0.service) }
                .sorted { ($0.service, $0.replica) < ($1.service, $1.replica) }
            let width = containers.map(\.name.count).max() ?? 0
            try await withThrowingTaskGroup(of: Void.self) { group in
                for container in containers {
                    group.addTask {
                        let prefix = container.name.padding(toLength: width, withPad: " ", startingAt: 0) + " | "
                        var pending: [DockerEngine.OutputStream: [UInt8]] = [:]
                        let stream = try await client.logs(
                            container.name, options: LogOptions(follow: follow, tail: tail))
                        for try await frame in stream {
                            var buffer = pending[frame.stream, default: []] + frame.bytes
                            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                                Terminal.standardOutput.write(prefix + line + "\n")
                                buffer.removeSubrange(...newline)
                            }
                            pending[frame.stream] = buffer
                        }
                        for (_, rest) in pending where !rest.isEmpty {
                            Terminal.standardOutput.write(prefix + String(decoding: rest, as: UTF8.self) + "\n")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
