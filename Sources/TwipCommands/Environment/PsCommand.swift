import ArgumentParser
import DockerEngine
import Foundation
import TwipCore

/// One container of an environment as `ps` and `status` show it.
struct ContainerRow: Codable, Sendable {
    var service: String
    var replica: Int
    var name: String
    var state: String
    var health: String
    var ports: [String]
    var image: String
    var environment: String

    init?(_ summary: ContainerSummary) {
        guard let labels = summary.labels, let environment = labels[TwipLabel.environment],
            let service = labels[TwipLabel.service]
        else { return nil }
        self.environment = environment
        self.service = service
        self.replica = labels[TwipLabel.replica].flatMap { Int($0) } ?? 0
        self.name = summary.name ?? summary.id
        self.state = summary.state ?? "unknown"
        let status = summary.status ?? ""
        self.health =
            status.contains("(healthy)")
            ? "healthy"
            : status.contains("(unhealthy)") ? "unhealthy" : status.contains("(health: starting)") ? "starting" : "none"
        self.image = summary.image ?? ""
        var ports: [String] = []
        for port in summary.ports ?? [] {
            guard let container = port.privatePort else { continue }
            let text: String
            if let published = port.publicPort {
                let ip = port.ip ?? "0.0.0.0"
                text = "\(ip == "::" ? "[::]" : ip):\(published)->\(container)/\(port.type ?? "tcp")"
            } else {
                text = "\(container)/\(port.type ?? "tcp")"
            }
            if !ports.contains(text) { ports.append(text) }
        }
        self.ports = ports
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
        let names = EnvironmentNames(environment: loaded.environment)
        let rows = try await withEngine { client in
            try await client.listContainers(all: true, filters: .labels([names.labelFilter])).compactMap(
                ContainerRow.init)
        }
        .sorted { ($0.service, $0.replica) < ($1.service, $1.replica) }
        switch format {
        case .json:
            Terminal.standardOutput.write(try jsonText(rows))
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
