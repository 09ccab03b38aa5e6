public import DockerEngine

/// How a failure counts for the operator: bad input (found before any change), a failed operation, or no engine.
public enum FailureKind: Sendable, Hashable {
    case usage
    case failed
    case engineUnreachable
}

/// An error the operator reads: its lines of text and what kind of failure it is. The CLI turns it into output
/// and an exit code in one place.
public protocol OperatorFailure: Error {
    var kind: FailureKind { get }
    var lines: [String] { get }
}

/// Bad usage found by the core before any engine call (exit 2).
public struct UsageFailure: OperatorFailure, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var kind: FailureKind { .usage }
    public var lines: [String] { [message] }
    public var description: String { message }
}

/// An operation of the core that failed after it began (exit 1).
public struct OperationFailure: OperatorFailure, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var kind: FailureKind { .failed }
    public var lines: [String] { [message] }
    public var description: String { message }
}

extension EngineError: OperatorFailure {
    public var kind: FailureKind { .failed }
    public var lines: [String] { [description] }
}

extension EngineUnreachable: OperatorFailure {
    public var kind: FailureKind { .engineUnreachable }
    public var lines: [String] { [description] }
}

extension DeploymentError: OperatorFailure {
    public var kind: FailureKind { isUsage ? .usage : .failed }
    public var lines: [String] { [description] }
}

extension ImageBuildError: OperatorFailure {
    public var kind: FailureKind { .failed }
    public var lines: [String] { [description] }
}

extension HAProxyRuntimeError: OperatorFailure {
    public var kind: FailureKind { .failed }
    public var lines: [String] { [description] }
}

extension BaseImageError: OperatorFailure {
    public var kind: FailureKind { .failed }
    public var lines: [String] { [description] }
}

extension EngineTimeout: OperatorFailure {
    public var kind: FailureKind { .failed }
    public var lines: [String] { [description] }
}
