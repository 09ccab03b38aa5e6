import ArgumentParser
import Foundation
import TwipCore

/// One container of an environment as `ps` shows it.
struct ContainerRow: Codable, Sendable {
    var service: String
    var replica: Int
    var name: String
    var state: String
    var health: String
    var ports: [String]
    var image: String
    var environment: String
    /// The swarm node running the task (swarm stacks only).
    var node: String?
    /// The swarm task's own state, e.g. `starting` (swarm stacks only).
    var taskState: String?

    init(_ container: ObservedContainer) {
        service = container.service
        replica = container.replica
        name = container.name
        state = container.state.rawValue
        health = container.health.rawValue
        ports = container.ports.map(\.description)
        image = container.image
        environment = container.environment
        node = container.node
        taskState = container.taskState
    }
}

/// Renders rows as an aligned text table.
func table(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }
        .joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
}

/// Output formats of listing commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// JSON text of `value`, pretty and with sorted keys, for `--format json`.
func jsonText<Value: Encodable>(_ value: Value) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}

/// `twip ENV ps`: the environment's containers.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps", abstract: "List the environment's containers: service, replica, state, health, ports.")

    @OptionGroup var stackOptions: StackOptions

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func run() async throws {
        let loaded = try stackOptions.load()
        let rows = try await loaded.withEnvironment { try await $0.ps() }.map(ContainerRow.init)
        switch format {
        case .json:
            Terminal.standardOutput.write(try jsonText(rows))
        case .table where rows.contains { $0.node != nil }:
            // Swarm tasks: the slot, the node running it and the task's own state.
            Terminal.standardOutput.write(
                table(
                    ["SERVICE", "SLOT", "NAME", "NODE", "STATE", "HEALTH", "PORTS", "IMAGE"],
                    rows.map {
                        [
                            $0.service, String($0.replica), $0.name, $0.node ?? "-", $0.taskState ?? $0.state,
                            $0.health, $0.ports.joined(separator: ", "), $0.image,
                        ]
                    }))
        case .table:
            Terminal.standardOutput.write(
                table(
                    ["SERVICE", "REPLICA", "NAME", "STATE", "HEALTH", "PORTS", "IMAGE"],
                    rows.map {
                        [
                            $0.service, String($0.replica), $0.name, $0.state, $0.health,
                            $0.ports.joined(separator: ", "), $0.image,
                        ]
                    }))
        }
    }
}
