import DockerEngine
import TwipCore
import TwipStack

extension StackErrors: Reportable {
    var lines: [String] { problems.map(\.description) }
    var exitCode: CLI.ExitCode { .usage }
}

extension EngineUnreachable: Reportable {
    var lines: [String] { [description] }
    var exitCode: CLI.ExitCode { .engineUnreachable }
}

extension EngineError: Reportable {
    var lines: [String] { [description] }
    var exitCode: CLI.ExitCode { .failed }
}

extension DeploymentError: Reportable {
    var lines: [String] { [description] }
    var exitCode: CLI.ExitCode { isUsage ? .usage : .failed }
}
