import ArgumentParser
import DockerEngine
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

    struct ServiceStatus: Codable {
        var service: String
        var wanted: Int?
        var running: Int
        var healthy: Int
        var ports: [String]
        /// For a proxy: the replicas it sends traffic to, per backend service.
        var backends: [String: [String]]?
    }

    struct EnvironmentStatus: Codable {
        var environment: String
        var stack: String?
        var services: [ServiceStatus]
    }

    struct Report: Codable {
        var engine: String
        var settings: [String: String]
        var environments: [EnvironmentStatus]
    }

    func run() async throws {
        let settings = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("DOCKER_") }
        let report = try await withEngine { client in
            let version = try await client.version()
            let rows = try await client.listContainers(all: true, filters: .labels([TwipLabel.environment]))
                .compactMap(ContainerRow.init)
            var environments: [EnvironmentStatus] = []
            for (environment, containers) in Dictionary(grouping: rows, by: \.environment).sorted(by: {
                $0.key < $1.key
            }) {
                let path = "stacks/\(environment).yml"
                let stack = try? StackLoader().load(path: path).stack
                let roles = stack.map { ProxyRole.roles(in: $0) } ?? []
                var names = Set(containers.map(\.service))
                names.formUnion(stack?.services.map(\.name) ?? [])
                var services: [ServiceStatus] = []
                for name in names.sorted() {
                    let own = containers.filter { $0.service == name }
                    var backends: [String: [String]]?
                    if let role = roles.first(where: { $0.service == name }) {
                        backends = [:]
                        for backend in role.backends {
                            backends?[backend.service] = containers.filter {
                                $0.service == backend.service && $0.state == "running" && $0.health != "unhealthy"
                                    && $0.health != "starting"
                            }
                            .map(\.name).sorted()
                        }
                    }
                    services.append(
                        ServiceStatus(
                            service: name, wanted: stack?.service(named: name)?.replicas,
                            running: own.filter { $0.state == "running" }.count,
                            healthy: own.filter { $0.health == "healthy" }.count,
                            ports: Array(Set(own.flatMap(\.ports).filter { $0.contains("->") })).sorted(),
                            backends: backends))
                }
                environments.append(
                    EnvironmentStatus(environment: environment, stack: stack == nil ? nil : path, services: services))
            }
            let engine = "Docker Engine \(version.version) (API \(version.apiVersion)) at \(client.host)"
            return Report(engine: engine, settings: settings, environments: environments)
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
