import ArgumentParser
import Foundation
import TwipCore

/// Which stack a command works on: `twip ENV ...` (stacks/ENV.yml) or `twip -f FILE ...`.
struct StackOptions: ParsableArguments {
    @Option(name: .customLong("env"), help: .hidden)
    var environment: String?

    @Option(name: .customLong("file"), help: "A stack file to use instead of stacks/ENV.yml (`twip -f FILE ACTION`).")
    var file: String?

    @Option(
        name: .customLong("profile"),
        help: "Enable the services of this profile too (repeatable; also COMPOSE_PROFILES=a,b).")
    var profiles: [String] = []

    /// The profiles named on the command line and in COMPOSE_PROFILES.
    var activeProfiles: Set<String> {
        let fromEnvironment = (ProcessInfo.processInfo.environment["COMPOSE_PROFILES"] ?? "").split(separator: ",")
        return Set(
            profiles + fromEnvironment.map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    /// The stack file path, and the environment name when the command line fixes it (nil for `-f FILE`: the
    /// stack's own name decides then).
    func resolve(defaultEnvironment: String? = nil) throws -> (path: String, environment: String?) {
        if let file { return (file, environment) }
        guard let name = environment ?? defaultEnvironment else {
            throw UsageError("no environment given; use `twip ENV ACTION` or `twip -f FILE ACTION`")
        }
        try EnvironmentNames.validate(name)
        return ("stacks/\(name).yml", name)
    }
}
