import Foundation
import Testing

@testable import TwipCommands

@Suite struct TerminalTests {
    /// `twip ... | head -1`: once the reader has gone, a write fails with EPIPE (SIGPIPE is ignored as soon as the
    /// process has started a child, which Foundation's Process does); the output is dropped and twip carries on.
    @Test func outputToAReaderThatWentAwayIsDroppedWithoutACrash() throws {
        signal(SIGPIPE, SIG_IGN)
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let terminal = Terminal(handle: pipe.fileHandleForWriting)
        terminal.write("service public_web updated\n")
        terminal.write("public: every container is running and healthy\n")
        try pipe.fileHandleForWriting.close()
    }
}
