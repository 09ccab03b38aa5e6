import Foundation
import TwipCore
import TwipStack

/// A stack read and validated, with the proxies it declares: everything checked before any engine call.
struct LoadedEnvironment {
    var stack: Stack
    var environment: String
    var proxies: [ProxyRole]
    var displayPath: String
}

extension StackOptions {
    /// Reads and validates the stack; prints its warnings, throws every problem at once (exit 2).
    func load(defaultEnvironment: String? = nil) throws -> LoadedEnvironment {
        let (path, environment) = try resolve(defaultEnvironment: defaultEnvironment)
        let loaded: LoadedStack
        do {
            loaded = try StackLoader().load(path: path, displayPath: path)
        } catch {
            throw StackInvalid(lines: error.problems.map(\.description))
        }
        for warning in loaded.warnings {
            Terminal.standardError.write("twip: warning: \(warning.description)\n")
        }
        let roles = ProxyRole.roles(in: loaded.stack)
        return LoadedEnvironment(stack: loaded.stack, environment: environment, proxies: roles, displayPath: path)
    }
}

/// Every problem of a stack file, one line each (exit 2).
struct StackInvalid: Reportable {
    var lines: [String]
    var exitCode: CLI.ExitCode { .usage }
}
