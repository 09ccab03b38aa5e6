import TwipCore
import TwipStack

extension StackErrors: Reportable {
    var lines: [String] { problems.map(\.description) }
    var exitCode: CLI.ExitCode { .usage }
}

extension FailureKind {
    /// The exit code of the CLI contract for this kind of failure.
    var exitCode: CLI.ExitCode {
        switch self {
        case .usage: .usage
        case .failed: .failed
        case .engineUnreachable: .engineUnreachable
        }
    }
}
