import ArgumentParser
import TwipCore

/// `twip swarm`: the swarm this engine manages.
struct SwarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm", abstract: "Show how other engines join the swarm this engine manages.",
        subcommands: [JoinTokenCommand.self])

    /// `twip swarm join-token worker|manager`: the token and the command a node runs to join.
    struct JoinTokenCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "join-token", abstract: "Print the command (and with -q the token) a node runs to join.")

        @Argument(help: "worker or manager.")
        var role: String

        @Flag(name: .shortAndLong, help: "Print only the token.")
        var quiet = false

        func validate() throws {
            guard SwarmRole(rawValue: role) != nil else {
                throw ValidationError("unknown role \"\(role)\": expected worker or manager")
            }
        }

        func run() async throws {
            let role = SwarmRole(rawValue: role) ?? .worker
            let text = try await EngineSession.with { session in
                quiet ? try await session.joinToken(role) : try await session.joinCommand(role)
            }
            Terminal.standardOutput.write(text + "\n")
        }
    }
}
