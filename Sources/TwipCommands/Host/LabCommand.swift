import ArgumentParser
import Foundation
import TwipCore

/// `twip lab`: a multi-node swarm of engine containers on this host, to rehearse the public scale-out and a
/// server's failure.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "A multi-node swarm of engine containers on this host (up, status, kill, start, rebalance, down).",
        discussion: """
            Nodes are containers of twip/dind named LAB-1, LAB-2, ... (container name, hostname, swarm hostname \
            and the NODE of kill/start), all swarm managers, each with its Engine API on 127.0.0.1. A registry runs \
            on every node (127.0.0.1:5000 inside each), an edge HAProxy publishes 127.0.0.1:${TWIP_HTTP_PORT:-80} \
            over every node's entry port, and the Docker context LAB points at the first node: \
            `twip --context twip-lab public up --wait`.
            """,
        subcommands: [Up.self, Status.self, Kill.self, Start.self, Rebalance.self, Down.self])

    /// The option every lab command takes.
    struct LabName: ParsableArguments {
        @Option(name: .customLong("lab"), help: "The lab's name: its network, context and the prefix of its objects.")
        var name = LabLayout.defaultName
    }

    /// `twip lab up`: starts the nodes, forms the swarm, starts the registry and the edge, writes the context.
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start N engine nodes as containers forming a swarm, with a registry, an edge and a context.")

        @OptionGroup var lab: LabName

        @Option(help: "How many nodes (all managers; 3 keep quorum when one dies).")
        var nodes = 3

        @Option(help: "Host port (on 127.0.0.1) of the first node's Engine API; node K's is this + K - 1.")
        var apiPort = LabLayout.defaultAPIPort

        @Option(help: "The folder every node shares at the same path (the stacks' ../data).")
        var data = "data"

        @Option(help: "The edge's port on 127.0.0.1 and the nodes' entry port (default: TWIP_HTTP_PORT, else 80).")
        var entryPort: Int?

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let entry = entryPort ?? environment["TWIP_HTTP_PORT"].flatMap(Int.init) ?? 80
            let dataPath = URL(fileURLWithPath: data).standardizedFileURL.path
            let layout = LabLayout(
                name: lab.name, nodeCount: nodes, apiPort: apiPort, entryPort: entry, dataDirectory: dataPath)
            if let problem = layout.problems.first { throw UsageError(problem) }
            let summary = try await EngineSession.withLabHost { session in
                try await session.labUp(layout) { Terminal.standardOutput.write($0 + "\n") }
            }
            var text = "lab \(summary.name) is up: \(summary.nodes.joined(separator: ", "))\n"
            text += "edge: \(summary.entry)\n"
            text += "context: \(summary.name) (twip --context \(summary.name) ..., or DOCKER_CONTEXT=\(summary.name))\n"
            text += "DOCKER_HOST=\(summary.contextHost)\n"
            Terminal.standardOutput.write(text)
        }
    }

    /// `twip lab status`: the nodes, their role and state in the swarm, and their tasks.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The lab's nodes: container state, Engine API, swarm role, state, availability, tasks.")

        @OptionGroup var lab: LabName

        @Option(help: "table or json.")
        var format: OutputFormat = .table

        func run() async throws {
            let status = try await EngineSession.withLabHost { try await $0.labStatus(lab.name) }
            switch format {
            case .json:
                Terminal.standardOutput.write(try jsonText(status))
            case .table:
                var text = table(LabStatus.header, status.rows)
                text += "edge: \(status.edge ?? "missing")\(status.entry.map { " at \($0)" } ?? "")"
                text += status.data.map { "; data: \($0)" } ?? ""
                text += "\n"
                if status.answeredBy == nil { text += "no node answered: the swarm's view is unknown\n" }
                Terminal.standardOutput.write(text)
            }
        }
    }

    /// `twip lab kill NODE`: a server's hard failure.
    struct Kill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kill a node's container with SIGKILL (a hard failure; its volume stays for `lab start`).")

        @OptionGroup var lab: LabName

        @Argument(help: "The node, e.g. twip-lab-2.")
        var node: String

        func run() async throws {
            try await EngineSession.withLabHost { try await $0.labKill(lab.name, node: node) }
            Terminal.standardOutput.write("\(node): killed (SIGKILL)\n")
        }
    }

    /// `twip lab start NODE`: brings a killed or stopped node back into its swarm.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a node again and wait until the swarm sees it ready.")

        @OptionGroup var lab: LabName

        @Argument(help: "The node, e.g. twip-lab-2.")
        var node: String

        func run() async throws {
            let started = ContinuousClock.now
            try await EngineSession.withLabHost { try await $0.labStart(lab.name, node: node) }
            let seconds = (ContinuousClock.now - started).components.seconds
            Terminal.standardOutput.write("\(node): ready in the swarm after \(seconds) s\n")
        }
    }

    /// `twip lab rebalance`: spreads the twip services' tasks over the nodes again.
    struct Rebalance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Roll every replicated twip service so the swarm spreads its tasks again (after `lab start`).")

        @OptionGroup var lab: LabName

        func run() async throws {
            let services = try await EngineSession.withLabHost { session in
                try await session.labRebalance(lab.name) { Terminal.standardOutput.write($0 + "\n") }
            }
            Terminal.standardOutput.write(
                services.isEmpty
                    ? "no replicated twip service on the lab\n"
                    : "rebalanced: \(services.joined(separator: ", "))\n")
        }
    }

    /// `twip lab down`: removes every lab object and nothing else.
    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the lab: nodes, their volumes, the edge, the network, the context and the lab folder.")

        @OptionGroup var lab: LabName

        func run() async throws {
            let removed = try await EngineSession.withLabHost { session in
                try await session.labDown(lab.name) { Terminal.standardOutput.write($0 + "\n") }
            }
            Terminal.standardOutput.write(
                removed.isEmpty ? "no lab \(lab.name): nothing to remove\n" : "lab \(lab.name) removed\n")
        }
    }
}
