import Foundation

/// Why building base images failed, with what to do about it.
public struct BaseImageError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, in one line.
    public var message: String
    /// How to fix it, if twip knows.
    public var hint: String?

    /// Creates an error.
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// Text for the operator: the message, then the hint.
    public var description: String { hint.map { "\(message); \($0)" } ?? message }

    /// debootstrap is not installed.
    public static let debootstrapMissing = BaseImageError(
        "debootstrap is not installed", hint: "run `apt-get install debootstrap` or `twip setup`")

    /// Not running as root (debootstrap, chroot and mounts need it).
    public static let notRoot = BaseImageError(
        "building base images needs root (debootstrap, chroot, mount)", hint: "run `sudo twip base`")

    /// debootstrap failed; `output` is what it printed, summarized to its error lines.
    public static func debootstrapFailed(mirror: String, output: String) -> BaseImageError {
        BaseImageError(
            "debootstrap from \(mirror) failed: \(summary(of: output))",
            hint: "check that the mirror is reachable or pass another with --mirror URL")
    }

    /// The error lines of a tool's output (`E: ...`, `W: Failure ...`), or its last line when none is marked.
    public static func summary(of output: String) -> String {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        let marked = lines.filter { $0.hasPrefix("E: ") || $0.hasPrefix("W: Failure") }
            .map { $0.hasPrefix("E: ") ? String($0.dropFirst(3)) : $0 }
        var unique: [String] = []
        for line in marked where !unique.contains(line) { unique.append(line) }
        if !unique.isEmpty { return unique.prefix(3).joined(separator: " / ") }
        return lines.last ?? "no output"
    }
}
