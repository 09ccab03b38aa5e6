import ArgumentParser
import Foundation
import TwipCore
import TwipStack

/// `twip status`: every twip environment on the engine, and the DOCKER_* settings in use.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Every twip environment on the engine: services with wanted/running/healthy replicas, ports, "
            + "proxy backends; and the DOCKER_* settings in use.")

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    struct Report: Codable {
        var engine: String
        var settings: [String: String]
        var environments: [EnvironmentStatus]
    }

    func run() async throws {
        let settings = EngineSettings.visible(in: ProcessInfo.processInfo.environment)
        let report = try await EngineSession.with { session in
            let engine = "\(try await session.versionText()) at \(session.host)"
            return Report(engine: engine, settings: settings, environments: try await session.status())
        }
        switch format {
        case .json:
            Terminal.standardOutput.write(try jsonText(report))
        case .table:
            var text = "engine: \(report.engine)\n"
            text +=
                report.settings.isEmpty
                ? "DOCKER_* settings: none (default socket)\n"
                : report.settings.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)\n" }.joined()
            if report.environments.isEmpty { text += "no twip environment on this engine\n" }
            for environment in report.environments {
                text += "\nenvironment \(environment.environment)\(environment.stack.map { " (\($0))" } ?? "")\n"
                text += table(
                    ["SERVICE", "WANTED", "RUNNING", "HEALTHY", "PORTS", "BACKENDS"],
                    environment.services.map { service in
                        [
                            service.service, service.wanted.map(String.init) ?? "-", String(service.running),
                            String(service.healthy), service.ports.joined(separator: ", "),
                            service.backends.map { backends in
                                backends.sorted(by: { $0.key < $1.key })
                                    .map { "\($0.key): \($0.value.isEmpty ? "none" : $0.value.joined(separator: " "))" }
                                    .joined(separator: "; ")
                            } ?? "",
                        ]
                    })
            }
            Terminal.standardOutput.write(text)
        }
    }
}
