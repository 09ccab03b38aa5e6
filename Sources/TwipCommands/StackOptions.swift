import ArgumentParser
import Foundation
import TwipCore

/// Which stack a command works on: `twip ENV ...` (stacks/ENV.yml) or `twip -f FILE ...`.
struct StackOptions: ParsableArguments {
    @Option(name: .customLong("env"), help: .hidden)
    var environment: String?

    @Option(name: .customLong("file"), help: "A stack file to use instead of stacks/ENV.yml (`twip -f FILE ACTION`).")
    var file: String?

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
