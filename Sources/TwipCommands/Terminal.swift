import Foundation

/// A text sink for the CLI's output; tests may swap in a buffer.
struct Terminal: Sendable {
    let handle: FileHandle

    static let standardOutput = Terminal(handle: .standardOutput)
    static let standardError = Terminal(handle: .standardError)

    func write(_ text: String) {
        handle.write(Data(text.utf8))
    }

    /// Whether the stream is an interactive terminal (progress lines only make sense there).
    var isTTY: Bool { isatty(handle.fileDescriptor) == 1 }
}
