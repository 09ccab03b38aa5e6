import Foundation
import TwipCore
import TwipStack

/// A stack read and validated, with the proxies it declares: everything checked before any engine call.
struct LoadedEnvironment {
    var stack: Stack
    var environment: String
    var proxies: [ProxyRole]
    var displayPath: String

    /// Refuses service names the stack does not have (exit 2), before any engine call.
    func checkServices(_ names: [String]) throws {
        for name in names where stack.service(named: name) == nil {
            let known = stack.services.map(\.name).joined(separator: ", ")
            throw UsageError("\(displayPath): no service named \"\(name)\" (services: \(known))")
        }
    }

    /// Opens the engine and runs `body` on this environment, progress rendered by `progress` (one line per event
    /// when none is given).
    func withEnvironment<T: Sendable>(
        progress: ProgressRenderer? = nil, _ body: (inout Environment) async throws -> T
    ) async throws -> T {
        progress?.environment(environment)
        return try await EngineSession.with { session in
            let report: ProgressSink =
                if let progress { { progress.receive($0) } } else { { Terminal.standardOutput.write("\($0)\n") } }
            var environment = Environment(
                session: session, stack: stack, name: environment, proxies: proxies, report: report)
            return try await body(&environment)
        }
    }
}

extension StackOptions {
    /// Reads and validates the stack; prints its warnings, throws every problem at once (exit 2).
    func load(defaultEnvironment: String? = nil) throws -> LoadedEnvironment {
        let (path, fixed) = try resolve(defaultEnvironment: defaultEnvironment)
        let loaded: LoadedStack
        do {
            loaded = try StackLoader().load(path: path, displayPath: path)
        } catch {
            throw StackInvalid(lines: error.problems.map(\.description))
        }
        for warning in loaded.warnings {
            Terminal.standardError.write("twip: warning: \(warning.description)\n")
        }
        let stack: Stack
        do {
            stack = try loaded.stack.enabling(profiles: activeProfiles)
        } catch {
            throw UsageError("\(path): \(error.description)")
        }
        let roles = ProxyRole.roles(in: stack)
        let environment = try fixed ?? EnvironmentNames.environment(forFile: path, stackName: loaded.stack.name)
        if stack.orchestrator == .swarm {
            // What a swarm cannot do is an invalid stack, found before any engine call.
            do {
                _ = try SwarmBlueprint(stack: stack, names: EnvironmentNames(environment: environment))
                    .deployment()
            } catch {
                // Found after loading: placed where the stack says what a swarm cannot do.
                throw StackInvalid(
                    lines: error.found.map { problem in
                        let (line, column) = StackLoader.location(of: problem.keyPath, inFile: path)
                        return
                            "\(path):\(line):\(column): \(problem.keyPath.joined(separator: ".")): \(problem.message)"
                    })
            }
        }
        return LoadedEnvironment(stack: stack, environment: environment, proxies: roles, displayPath: path)
    }
}

/// Every problem of a stack file, one line each (exit 2).
struct StackInvalid: Reportable {
    var lines: [String]
    var exitCode: CLI.ExitCode { .usage }
}
