import Foundation
import TwipCore

/// A text sink for the CLI's output; tests may swap in a buffer.
struct Terminal: Sendable {
    let handle: FileHandle

    static let standardOutput = Terminal(handle: .standardOutput)
    static let standardError = Terminal(handle: .standardError)

    /// Writes `text`; a reader that went away (`twip ... | head`) loses the rest of the output, and the command
    /// goes on to its end rather than stopping half-way.
    func write(_ text: String) {
        try? handle.write(contentsOf: Data(text.utf8))
    }

    /// Whether the stream is an interactive terminal (progress lines only make sense there).
    var isTTY: Bool { isatty(handle.fileDescriptor) == 1 }

    /// Whether colour sequences (the engine's build output has some) may reach this stream: an interactive terminal,
    /// and `NO_COLOR` (no-color.org) unset or empty.
    var showsColour: Bool { Self.colourAllowed(ProcessInfo.processInfo.environment) && isTTY }

    /// Whether `environment` lets colour through: `NO_COLOR` set to anything but the empty string forbids it.
    static func colourAllowed(_ environment: [String: String]) -> Bool {
        (environment["NO_COLOR"] ?? "").isEmpty
    }

    /// `line` as this stream shows it: without colour sequences unless colour is allowed.
    func shown(_ line: String) -> String {
        showsColour || !line.contains("\u{1B}") ? line : ImageBuild.plain(line)
    }
}
