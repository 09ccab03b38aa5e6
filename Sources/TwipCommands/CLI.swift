import ArgumentParser
import Foundation
import TwipCore

/// The entry point of the `twip` command line: argument rewriting, dispatch, and the one place
/// where errors become text and exit codes.
public enum CLI {
    /// Exit codes of the CLI contract.
    public enum ExitCode: Int32, Sendable {
        case success = 0
        case failed = 1
        case usage = 2
        case engineUnreachable = 3
    }

    /// Sets what the process as a whole uses (one event-loop thread); `main` calls it once, before `run`.
    public static func prepareProcess() {
        EngineSession.prepareCommandLineProcess()
    }

    /// Runs twip with `arguments` (without the program name) and returns the process exit code.
    public static func run(_ arguments: [String]) async -> Int32 {
        if let help = environmentHelp(arguments) {
            Terminal.standardOutput.write(help)
            return ExitCode.success.rawValue
        }
        let rewritten: [String]
        do {
            let (context, rest) = try contextOption(arguments)
            if let context { useContext(context) }
            rewritten = try rewrite(rest)
        } catch {
            return report(error)
        }
        // The command runs in a task that the first Ctrl-C cancels (in-flight engine calls stop, a later run
        // converges from there); a second Ctrl-C aborts at once.
        let task = Task { () async -> Int32 in
            do {
                var command = try Twip.parseAsRoot(rewritten)
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                return ExitCode.success.rawValue
            } catch {
                return report(error)
            }
        }
        let interrupts = Interrupts { task.cancel() }
        let status = await task.value
        interrupts.stop()
        // Cancelled by SIGTERM rather than Ctrl-C: the shell's convention, 128 + 15.
        return status == 130 && interrupts.terminated ? 143 : status
    }

    /// Takes the global `--context NAME` (or `--context=NAME`) from the options before the command, as the docker
    /// CLI does; returns it and the other arguments.
    static func contextOption(_ arguments: [String]) throws -> (context: String?, rest: [String]) {
        var context: String?
        var rest: [String] = []
        var index = arguments.startIndex
        // Only the leading options (`-f FILE` among them) are twip's own; after the command, `--context` is not.
        while index < arguments.endIndex, arguments[index].hasPrefix("-") {
            let argument = arguments[index]
            if argument == "--context" {
                guard index + 1 < arguments.endIndex, !arguments[index + 1].isEmpty else {
                    throw UsageError("option --context needs a NAME")
                }
                context = arguments[index + 1]
                index += 2
            } else if argument.hasPrefix("--context=") {
                context = String(argument.dropFirst("--context=".count))
                guard context?.isEmpty == false else { throw UsageError("option --context needs a NAME") }
                index += 1
            } else if argument == "-f" || argument == "--file", index + 1 < arguments.endIndex {
                rest += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        return (context, rest + arguments[index...])
    }

    /// Makes every engine connection of this process use context `name`: as with the docker CLI, an explicit
    /// `--context` wins over `DOCKER_HOST` in the environment.
    static func useContext(_ name: String) {
        setenv("DOCKER_CONTEXT", name, 1)
        unsetenv("DOCKER_HOST")
    }

    /// Top-level command names; anything else in first position is an environment name.
    static var topLevelNames: Set<String> {
        var names = Set<String>()
        for command in Twip.configuration.subcommands {
            names.insert(command._commandName)
            names.formUnion(command.configuration.aliases)
        }
        names.formUnion(["help"])
        return names
    }

    /// Turns `twip ENV ACTION ARGS` and `twip -f FILE ACTION ARGS` into `twip ACTION --env ENV ARGS`
    /// and `twip ACTION --file FILE ARGS`, the shape the parser understands.
    static func rewrite(_ arguments: [String]) throws -> [String] {
        var rest = arguments[...]
        var fileOptions: [String] = []
        while let first = rest.first, first == "-f" || first == "--file" || first.hasPrefix("--file=") {
            rest = rest.dropFirst()
            if first.hasPrefix("--file=") {
                fileOptions += ["--file", String(first.dropFirst("--file=".count))]
                continue
            }
            guard let file = rest.first else { throw UsageError("option \(first) needs a FILE") }
            fileOptions += ["--file", file]
            rest = rest.dropFirst()
        }
        guard let head = rest.first else {
            return fileOptions.isEmpty ? [] : ["help"]
        }
        if head.hasPrefix("-") || topLevelNames.contains(head) {
            // `twip status ...`, `twip --help`; a leading -f goes after the action.
            if fileOptions.isEmpty { return Array(rest) }
            return [head] + fileOptions + Array(rest.dropFirst())
        }
        if !fileOptions.isEmpty {
            throw UsageError("unknown action \"\(head)\"; try `twip --help`")
        }
        let environment = head
        rest = rest.dropFirst()
        guard let action = rest.first else {
            throw UsageError("missing action after environment \"\(environment)\"; try `twip \(environment) up`")
        }
        guard topLevelNames.contains(action) else {
            throw UsageError("unknown action \"\(action)\" for environment \"\(environment)\"; try `twip --help`")
        }
        return [action, "--env", environment] + Array(rest.dropFirst())
    }

    /// The actions `twip ENV ACTION` takes, in the order the help lists them.
    static let environmentActions = [
        "build", "up", "rollback", "down", "ps", "scale", "logs", "restart", "config", "test", "bench",
    ]

    /// The help of `twip ENV --help` and `twip ENV ACTION --help`, written with ENV as the operator typed it; nil
    /// when `arguments` ask for something else.
    static func environmentHelp(_ arguments: [String]) -> String? {
        guard let environment = arguments.first, !environment.hasPrefix("-"), !topLevelNames.contains(environment),
            arguments.count >= 2
        else { return nil }
        let asksHelp: (String) -> Bool = { $0 == "--help" || $0 == "-h" || $0 == "help" }
        if asksHelp(arguments[1]) {
            let commands = Twip.configuration.subcommands
            let width = environmentActions.map(\.count).max() ?? 0
            let lines = environmentActions.compactMap { action -> String? in
                guard let command = commands.first(where: { $0._commandName == action }) else { return nil }
                return "  " + action.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                    + command.configuration.abstract
            }
            return """
                OVERVIEW: Actions on the environment \(environment) (stacks/\(environment).yml).

                USAGE: twip \(environment) ACTION [ARGS]

                ACTIONS:
                \(lines.joined(separator: "\n"))

                  See 'twip \(environment) ACTION --help' for an action's options.

                """
        }
        let action = arguments[1]
        guard environmentActions.contains(action),
            arguments.dropFirst(2).contains(where: { $0 == "--help" || $0 == "-h" }),
            let command = Twip.configuration.subcommands.first(where: { $0._commandName == action })
        else { return nil }
        return Twip.helpMessage(for: command).replacingOccurrences(
            of: "USAGE: twip \(action) [--file <file>] ", with: "USAGE: twip \(environment) \(action) "
        ).replacingOccurrences(of: "USAGE: twip \(action)", with: "USAGE: twip \(environment) \(action)") + "\n"
    }

    /// Prints `error` on standard error in the contract's shape and returns its exit code.
    static func report(_ error: any Error) -> Int32 {
        let outcome = describe(error)
        if outcome.exitCode == ExitCode.success.rawValue {
            // `--help` and `--version` arrive as errors that print on standard output.
            if !outcome.lines.isEmpty { Terminal.standardOutput.write(outcome.lines.joined(separator: "\n") + "\n") }
            return outcome.exitCode
        }
        if error is CancellationError {
            Terminal.standardError.write("twip: \(outcome.lines.joined())\n")
            return outcome.exitCode
        }
        for line in outcome.lines {
            Terminal.standardError.write("twip: error: \(line)\n")
        }
        return outcome.exitCode
    }

    /// What `error` says to the operator, one line each (without the `twip: error: ` prefix), and the exit code it
    /// means: the one place errors become text and codes (`report` prints them, JSON events carry them).
    static func describe(_ error: any Error) -> (lines: [String], exitCode: Int32) {
        if let failure = error as? any Reportable {
            return (failure.lines, failure.exitCode.rawValue)
        }
        if let failure = error as? any OperatorFailure {
            return (failure.lines, failure.kind.exitCode.rawValue)
        }
        if error is CancellationError {
            return (["interrupted; run the same command again to converge from here"], 130)
        }
        let code = Twip.exitCode(for: error)
        let message = Twip.fullMessage(for: error)
        if code == .success {
            return (message.isEmpty ? [] : [message], ExitCode.success.rawValue)
        }
        let text = message.hasPrefix("Error: ") ? String(message.dropFirst("Error: ".count)) : message
        let lines = text.isEmpty ? [] : [text]
        // ArgumentParser reports parse and validation failures as EX_USAGE (64); the contract says 2.
        if code == .validationFailure { return (lines, ExitCode.usage.rawValue) }
        return (lines, code.rawValue == 0 ? ExitCode.failed.rawValue : code.rawValue)
    }
}

/// Turns SIGINT (Ctrl-C) and SIGTERM (what CI runners and service managers send) into cancellation of the running
/// command; a second signal exits at once (130, or 143 after a SIGTERM).
final class Interrupts: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let lock = NSLock()
    private var count = 0
    private var sawTerm = false

    init(onFirst: @escaping @Sendable () -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for (source, number) in zip(sources, [SIGINT, SIGTERM]) {
            source.setEventHandler { [self] in
                lock.lock()
                count += 1
                let seen = count
                if number == SIGTERM { sawTerm = true }
                lock.unlock()
                if seen == 1 {
                    let what = number == SIGTERM ? "terminated" : "interrupted"
                    Terminal.standardError.write("\ntwip: \(what): stopping what is in flight (again to abort)\n")
                    onFirst()
                } else {
                    Terminal.standardError.write("twip: aborted\n")
                    exit(number == SIGTERM ? 143 : 130)
                }
            }
            source.resume()
        }
    }

    /// Whether a SIGTERM caused the cancellation.
    var terminated: Bool {
        lock.lock()
        defer { lock.unlock() }
        return sawTerm
    }

    func stop() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// An error that knows how it is shown to the operator and which exit code it means.
protocol Reportable: Error {
    var lines: [String] { get }
    var exitCode: CLI.ExitCode { get }
}

/// Bad usage found before any work began (exit 2).
struct UsageError: Reportable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var lines: [String] { [message] }
    var exitCode: CLI.ExitCode { .usage }
    var description: String { message }
}

/// An operation that failed after it began (exit 1).
struct OperationFailed: Reportable {
    var message: String
    init(_ message: String) { self.message = message }
    var lines: [String] { [message] }
    var exitCode: CLI.ExitCode { .failed }
}
