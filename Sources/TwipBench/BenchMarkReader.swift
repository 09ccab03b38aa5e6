import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Follows a mark file (or standard input) during a run, like `tail -F`: the file may appear after the
/// run starts, grow a line at a time, be truncated or replaced. Lines are parsed by ``BenchMarkParser``.
public final class BenchMarkReader: Sendable {
    /// Where marks come from.
    public enum Source: Sendable, Equatable {
        /// A file, read from its beginning and followed as it grows.
        case file(String)
        /// Standard input, read until it ends.
        case standardInput
    }

    private struct State {
        var marks: [BenchMark] = []
        var stopping = false
        var finished = false
        var sawFile = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    /// Where this reader reads.
    public let source: Source
    private let state = Mutex(State())
    /// How often a file is checked for new lines; a line without a time is stamped within this.
    private static let pollMilliseconds: Int32 = 50

    /// A reader of `source`; nothing is read before ``start()``.
    public init(source: Source) {
        self.source = source
    }

    /// Starts following the source on a thread of its own.
    public func start() {
        let thread = Thread { [self] in self.follow() }
        thread.name = "twip-bench-marks"
        thread.start()
    }

    /// Reads what is left, stops, and returns every mark read, in time order.
    public func stop() async -> [BenchMark] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                state.stopping = true
                if state.finished { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return state.withLock { $0.marks }.sorted { $0.time < $1.time }
    }

    /// Whether the file existed at some point (always true for standard input).
    public var sawSource: Bool { source == .standardInput || state.withLock { $0.sawFile } }

    private func follow() {
        var parser = BenchMarkParser()
        var descriptor: Int32 = source == .standardInput ? 0 : -1
        var open = source == .standardInput
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let stopping = state.withLock { $0.stopping }
            switch source {
            case .file(let path):
                reopenIfNeeded(path: path, descriptor: &descriptor, open: &open)
                if open { drain(descriptor, into: &parser, buffer: &buffer) }
            case .standardInput:
                // Standard input stays blocking (it is shared with the shell): read only what poll says is there.
                var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                if open, poll(&request, 1, stopping ? 0 : Self.pollMilliseconds) > 0 {
                    open = readOnce(descriptor, into: &parser, buffer: &buffer)
                    // When stopping, take what is already there, then go.
                    while stopping, open, poll(&request, 1, 0) > 0 {
                        open = readOnce(descriptor, into: &parser, buffer: &buffer)
                    }
                } else if !open, !stopping {
                    usleep(useconds_t(Self.pollMilliseconds) * 1000)
                }
            }
            if stopping { break }
            if case .file = source { usleep(useconds_t(Self.pollMilliseconds) * 1000) }
        }
        let last = parser.finish(now: Date().timeIntervalSince1970)
        if descriptor > 0 { close(descriptor) }
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.marks += last
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Opens the file once it exists; starts over when it was replaced (another inode) or truncated.
    private func reopenIfNeeded(path: String, descriptor: inout Int32, open isOpen: inout Bool) {
        var onDisk = stat()
        guard stat(path, &onDisk) == 0 else { return }
        if isOpen {
            var current = stat()
            if fstat(descriptor, &current) == 0, current.st_ino == onDisk.st_ino, current.st_dev == onDisk.st_dev {
                if lseek(descriptor, 0, SEEK_CUR) > current.st_size { lseek(descriptor, 0, SEEK_SET) }
                return
            }
            close(descriptor)
            isOpen = false
        }
        let opened = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard opened >= 0 else { return }
        descriptor = opened
        isOpen = true
        state.withLock { $0.sawFile = true }
    }

    /// Reads everything available now from a non-blocking file.
    private func drain(_ descriptor: Int32, into parser: inout BenchMarkParser, buffer: inout [UInt8]) {
        while readOnce(descriptor, into: &parser, buffer: &buffer) {}
    }

    /// One read(2); returns false when there is nothing more to read now (end, EAGAIN or an error).
    private func readOnce(_ descriptor: Int32, into parser: inout BenchMarkParser, buffer: inout [UInt8]) -> Bool {
        while true {
            // The pointer lives only for the call and the count is the buffer's own size.
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                let marks = parser.feed(buffer[0..<count], now: Date().timeIntervalSince1970)
                if !marks.isEmpty { state.withLock { $0.marks += marks } }
                return true
            }
            if count < 0, errno == EINTR { continue }
            return false
        }
    }
}
