import Foundation
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
    // epoll lives in NIO's Linux shim module (Glibc's module map leaves sys/epoll.h out).
    import CNIOLinux
#endif

/// The connection-per-request engine for runs without keep-alive and without a rate: a few threads,
/// each driving its slots over its own epoll with plain non-blocking sockets. No NIO channel is made
/// per connection, which is what makes a new connection per request as cheap as ab's.
/// Each slot still runs a ``ConnectionStateMachine``, so failures are counted as on the NIO path.
enum LeanEngine {
    /// Runs `configuration` against `address` and returns what it measured.
    static func run(
        configuration: BenchConfiguration, address: SocketAddress,
        progress: (@Sendable (LoadGenerator.Progress) -> Void)?, endOnCancel: Bool = false
    ) async throws -> BenchResult {
        // One thread by default, like ab: a new connection per request costs the kernel far more than twip, and
        // on a small machine a second generator thread takes a core from the server it measures (measured with
        // bench/http-load.sh on 2 cores: 1 thread 10.8-13.8k req/s, 2 threads 8.6-11.7k). --threads raises it.
        let threadCount = max(1, min(configuration.threads ?? 1, configuration.concurrency, System.coreCount))
        let shared = SharedRun(configuration: configuration, start: NIODeadline.now())
        let control = LeanControl()
        let request = configuration.encodedRequest()
        var loops: [LeanLoop] = []
        for index in 0..<threadCount {
            let slotCount =
                configuration.concurrency / threadCount + (index < configuration.concurrency % threadCount ? 1 : 0)
            loops.append(
                LeanLoop(
                    shared: shared, control: control, address: address, request: request, slotCount: slotCount,
                    progress: index == 0 ? progress : nil))
        }
        let parts = await withTaskCancellationHandler {
            await withTaskGroup(of: Result<BenchResult, BenchRunError>.self) { group in
                for loop in loops {
                    group.addTask {
                        await withCheckedContinuation { continuation in
                            let thread = Thread { continuation.resume(returning: loop.run()) }
                            thread.name = "twip-bench"
                            thread.start()
                        }
                    }
                }
                var parts: [Result<BenchResult, BenchRunError>] = []
                for await part in group { parts.append(part) }
                return parts
            }
        } onCancel: {
            if endOnCancel {
                // Slots see no ticket left, finish what is in flight and report.
                shared.endEarly()
            } else {
                control.cancelled.store(true, ordering: .relaxed)
            }
        }
        if control.cancelled.load(ordering: .relaxed) { throw CancellationError() }
        let target = configuration.target
        var result = BenchResult(
            url: target.url, path: target.path, concurrency: configuration.concurrency,
            keepAlive: configuration.keepAlive, highestLatencyMicroseconds: shared.highestLatencyMicroseconds)
        result.startedAt = shared.startUnixTime
        for part in parts { result.merge(try part.get()) }
        return result
    }
}

/// What the threads of one lean run share besides ``SharedRun``.
final class LeanControl: Sendable {
    /// Set when the task running the benchmark is cancelled; threads stop at their next round.
    let cancelled = Atomic<Bool>(false)
}

/// One thread's share of the slots, its epoll and its tally. Used only on its own thread.
final class LeanLoop: @unchecked Sendable {
    private struct Slot {
        var descriptor: Int32 = -1
        var machine: ConnectionStateMachine
        var connecting = false
        var written = 0
        var startedAt: UInt64 = 0
        var done = false
    }

    private let shared: SharedRun
    private let control: LeanControl
    private let address: SocketAddress
    private let family: Int32
    private let request: [UInt8]
    private let progress: (@Sendable (LoadGenerator.Progress) -> Void)?
    private var slots: [Slot] = []
    private var tally: BenchResult
    private var epoll: Int32 = -1
    /// Slots that must start their next request once the current round of events is handled.
    private var ready: [Int] = []
    private var active = 0
    private var buffer = [UInt8](repeating: 0, count: 65_536)

    init(
        shared: SharedRun, control: LeanControl, address: SocketAddress, request: [UInt8], slotCount: Int,
        progress: (@Sendable (LoadGenerator.Progress) -> Void)?
    ) {
        self.shared = shared
        self.control = control
        self.address = address
        self.family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        self.request = request
        self.progress = progress
        self.tally = BenchResult(
            url: "", path: "", concurrency: 0, keepAlive: false,
            highestLatencyMicroseconds: shared.highestLatencyMicroseconds)
        for _ in 0..<slotCount {
            // Only the very first slot asks for the Server header: one string per run, not per request.
            let claim = shared.serverClaimed.compareExchange(expected: false, desired: true, ordering: .relaxed)
            slots.append(
                Slot(
                    machine: ConnectionStateMachine(
                        keepAlive: false, isHead: shared.isHead, captureServer: claim.exchanged)))
        }
    }

    /// Runs the slots until the run is over; returns this thread's tally.
    func run() -> Result<BenchResult, BenchRunError> {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { return .failure(BenchRunError("epoll_create1 failed: errno \(errno)")) }
        defer { close(epoll) }
        let checkNanoseconds = min(shared.timeoutNanoseconds / 4, 100_000_000)
        let waitMilliseconds = Int32(max(1, checkNanoseconds / 1_000_000))
        var nextCheck = NIODeadline.now().uptimeNanoseconds + checkNanoseconds
        var nextProgress = shared.startNanoseconds + 1_000_000_000
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        active = slots.count
        ready = Array(slots.indices)
        while active > 0 {
            if control.cancelled.load(ordering: .relaxed) {
                abandonAll()
                break
            }
            let starting = ready
            ready.removeAll(keepingCapacity: true)
            for index in starting { begin(index) }
            guard active > 0 else { break }
            let count = wait(&events, timeout: ready.isEmpty ? waitMilliseconds : 0)
            for event in events.prefix(max(0, count)) {
                handle(Int(event.data.u64), events: event.events)
            }
            let now = NIODeadline.now().uptimeNanoseconds
            if now >= nextCheck {
                nextCheck = now + checkNanoseconds
                expireTimedOutRequests(now: now)
            }
            if let progress, now >= nextProgress {
                nextProgress += 1_000_000_000
                progress(shared.progress())
            }
        }
        tally.duration = Double(NIODeadline.now().uptimeNanoseconds - shared.startNanoseconds) / 1e9
        return .success(tally)
    }

    /// Waits for events on the epoll, at most `timeout` milliseconds; returns how many arrived.
    private func wait(_ events: inout [epoll_event], timeout: Int32) -> Int {
        // The pointer lives only for the call; epoll_wait writes at most `events.count` entries.
        let count = events.withUnsafeMutableBufferPointer { pointer in
            epoll_wait(epoll, pointer.baseAddress, Int32(pointer.count), timeout)
        }
        return Int(count)
    }

    private func begin(_ index: Int) {
        let now = NIODeadline.now().uptimeNanoseconds
        guard !control.cancelled.load(ordering: .relaxed), shared.takeTicket(now: now) else {
            slots[index].done = true
            active -= 1
            return
        }
        slots[index].startedAt = now
        tally.connections += 1
        slots[index].machine.captureServer = slots[index].machine.captureServer && tally.server == nil
        perform(index, slots[index].machine.event(.send))
    }

    private func perform(_ index: Int, _ action: ConnectionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .connect:
            open(index)
        case .write:
            send(index)
        case .close:
            closeSocket(index)
        case .finished(let outcome, _):
            // Without keep-alive every finished request ends its connection, even one the server closed.
            closeSocket(index)
            shared.record(
                outcome, into: &tally, startedAt: slots[index].startedAt, now: NIODeadline.now().uptimeNanoseconds)
            ready.append(index)
        }
    }

    /// Starts a non-blocking connect for slot `index` and registers it with the epoll.
    private func open(_ index: Int) {
        let descriptor = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            perform(index, slots[index].machine.event(.connectFailed))
            return
        }
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        slots[index].descriptor = descriptor
        slots[index].written = 0
        let status = address.withSockAddr { pointer, length in
            Glibc.connect(descriptor, pointer, socklen_t(length))
        }
        let connectError = status == 0 ? 0 : errno
        guard status == 0 || connectError == EINPROGRESS else {
            perform(index, slots[index].machine.event(.connectFailed))
            return
        }
        // Edge-triggered, both directions at once: no epoll_ctl between connect and response.
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.u64 = UInt64(index)
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else {
            perform(index, slots[index].machine.event(.connectFailed))
            return
        }
        slots[index].connecting = true
    }

    private func handle(_ index: Int, events: UInt32) {
        guard index < slots.count, slots[index].descriptor >= 0 else { return }
        let failed = events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        if slots[index].connecting {
            slots[index].connecting = false
            if failed, Self.isConnectError(pendingError(slots[index].descriptor)) {
                perform(index, slots[index].machine.event(.connectFailed))
                return
            }
            perform(index, slots[index].machine.event(.connected))
            // The response (or the server's close) may already be here: edge-triggered, so read now.
            if slots[index].descriptor >= 0, events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0 || failed {
                receive(index)
            }
            return
        }
        if slots[index].written < request.count, events & EPOLLOUT.rawValue != 0 {
            send(index)
            guard slots[index].descriptor >= 0 else { return }
        }
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0 || failed {
            receive(index)
        }
    }

    /// The socket's pending error (SO_ERROR), which also clears it.
    private func pendingError(_ descriptor: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
        return error
    }

    private static func isConnectError(_ error: Int32) -> Bool {
        switch error {
        case ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL, EACCES, EPERM: true
        default: false
        }
    }

    /// Writes what is left of the request; waits for EPOLLOUT when the socket is full.
    private func send(_ index: Int) {
        let descriptor = slots[index].descriptor
        while slots[index].written < request.count {
            let offset = slots[index].written
            // The pointer lives only for the call; MSG_NOSIGNAL turns a reset peer into EPIPE, not SIGPIPE.
            let sent = request.withUnsafeBytes { bytes in
                Glibc.send(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent >= 0 {
                slots[index].written += sent
                continue
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK { return }
            perform(index, slots[index].machine.event(.error))
            return
        }
    }

    /// Reads until the response is complete, the socket is drained, or the connection ends.
    private func receive(_ index: Int) {
        while slots[index].descriptor >= 0 {
            let count = readChunk(slots[index].descriptor)
            if count > 0 {
                let action = buffer.withUnsafeBytes { bytes in
                    // The bytes are only borrowed for the parse; the parser copies what it keeps.
                    slots[index].machine.event(.read(UnsafeRawBufferPointer(rebasing: bytes[0..<count])))
                }
                if action != .none {
                    perform(index, action)
                    return
                }
                continue
            }
            if count == 0 {
                perform(index, slots[index].machine.event(.closed))
                return
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK { return }
            perform(index, slots[index].machine.event(.error))
            return
        }
    }

    /// Reads into the shared buffer; returns what read(2) returned.
    private func readChunk(_ descriptor: Int32) -> Int {
        // The pointer lives only for the call and the count is the buffer's own size.
        buffer.withUnsafeMutableBytes { bytes in
            read(descriptor, bytes.baseAddress, bytes.count)
        }
    }

    private func closeSocket(_ index: Int) {
        let descriptor = slots[index].descriptor
        guard descriptor >= 0 else { return }
        slots[index].descriptor = -1
        slots[index].connecting = false
        // Closing also removes the descriptor from the epoll. A normal close, as ab does (no SO_LINGER).
        close(descriptor)
    }

    private func expireTimedOutRequests(now: UInt64) {
        for index in slots.indices where slots[index].descriptor >= 0 && slots[index].machine.isBusy {
            let since = slots[index].startedAt
            guard now > since, now - since >= shared.timeoutNanoseconds else { continue }
            perform(index, slots[index].machine.event(.timedOut))
        }
    }

    /// Closes every open connection without counting it: the run was cancelled.
    private func abandonAll() {
        for index in slots.indices { closeSocket(index) }
    }
}
