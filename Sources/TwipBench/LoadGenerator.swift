import Histogram
public import NIOCore
import NIOPosix
import Synchronization

/// Runs a benchmark: C connection slots spread over one event loop per core, each driven by a
/// ``ConnectionStateMachine``, with latencies recorded per loop and merged at the end. Runs without
/// keep-alive and without a rate use the leaner epoll engine instead (one connection per request).
public struct LoadGenerator: Sendable {
    /// What a progress callback is told about once a second.
    public struct Progress: Sendable {
        /// Requests started so far.
        public var started: Int
        /// Requests the run will make, or nil when it runs for a duration.
        public var total: Int?
        /// Seconds since the run began.
        public var elapsed: Double
        /// The run's duration, when it runs for one.
        public var duration: Double?
    }

    /// The validated configuration.
    public let configuration: BenchConfiguration

    /// A generator for `configuration` (validated here, so a bad one never opens a socket).
    public init(configuration: BenchConfiguration) throws(BenchUsageError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Runs the benchmark to the end and returns what it measured; `progress` is called on an
    /// event loop about once a second. With `endOnCancel`, cancelling the task ends the run early, as
    /// SIGINT ends wrk's: no request starts any more, those in flight finish, and the run returns what
    /// it measured instead of throwing.
    public func run(
        progress: (@Sendable (Progress) -> Void)? = nil, endOnCancel: Bool = false
    ) async throws -> BenchResult {
        let address = try Self.resolve(configuration.target)
        if !configuration.keepAlive, configuration.rate == nil {
            // A connection per request: plain sockets over epoll, no NIO channel per connection.
            return try await LeanEngine.run(
                configuration: configuration, address: address, progress: progress, endOnCancel: endOnCancel)
        }
        // One event loop by default, like wrk -t1: on a small machine a second one takes a core from the server
        // under test (measured on 2 cores: 1 loop 37-57k req/s, 2 loops 34-44k). --threads raises it.
        let threads = configuration.threads ?? 1
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(threads, configuration.concurrency))
        do {
            let result = try await run(on: group, address: address, progress: progress, endOnCancel: endOnCancel)
            try await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Runs the benchmark on an existing event loop group.
    public func run(
        on group: any EventLoopGroup, progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws -> BenchResult {
        try await run(
            on: group, address: try Self.resolve(configuration.target), progress: progress, endOnCancel: false)
    }

    private func run(
        on group: any EventLoopGroup, address: SocketAddress, progress: (@Sendable (Progress) -> Void)?,
        endOnCancel: Bool
    ) async throws -> BenchResult {
        let loops = Array(group.makeIterator())
        let start = NIODeadline.now()
        let shared = SharedRun(configuration: configuration, start: start)
        if endOnCancel {
            return try await withTaskCancellationHandler {
                try await run(on: loops, shared: shared, address: address, progress: progress)
            } onCancel: {
                shared.endEarly()
            }
        }
        return try await run(on: loops, shared: shared, address: address, progress: progress)
    }

    private func run(
        on loops: [any EventLoop], shared: SharedRun, address: SocketAddress,
        progress: (@Sendable (Progress) -> Void)?
    ) async throws -> BenchResult {
        let request = ByteBuffer(bytes: configuration.encodedRequest())
        var workers: [Worker] = []
        for (index, loop) in loops.enumerated() where index < configuration.concurrency {
            let slotCount =
                configuration.concurrency / loops.count + (index < configuration.concurrency % loops.count ? 1 : 0)
            workers.append(
                Worker(
                    loop: loop, slotCount: slotCount, firstSlotIndex: workers.reduce(0) { $0 + $1.slotCount },
                    shared: shared, address: address, request: request))
        }
        let reporter = progress.map { callback in
            loops[0].scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                callback(shared.progress())
            }
        }
        let futures = workers.map { worker in
            worker.loop.flatSubmit { worker.start() }
        }
        let parts = try await EventLoopFuture.whenAllSucceed(futures, on: loops[0]).get()
        reporter?.cancel()
        let target = configuration.target
        var result = BenchResult(
            url: target.url, path: target.path, concurrency: configuration.concurrency,
            keepAlive: configuration.keepAlive, highestLatencyMicroseconds: shared.highestLatencyMicroseconds)
        result.startedAt = shared.startUnixTime
        for part in parts { result.merge(part) }
        return result
    }

    static func resolve(_ target: BenchTarget) throws -> SocketAddress {
        // "localhost" may resolve to ::1 first while servers here listen on 127.0.0.1, as ab assumes.
        let host = target.host.lowercased() == "localhost" ? "127.0.0.1" : target.host
        do {
            return try SocketAddress.makeAddressResolvingHost(host, port: target.port)
        } catch {
            throw BenchRunError("cannot resolve \(target.host): \(error)")
        }
    }
}

/// A benchmark that could not run for a reason other than its arguments (exit 1).
public struct BenchRunError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// An error with its operator-facing message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// One event loop's share of the slots, and the tally they record into. Confined to its loop.
final class Worker: @unchecked Sendable {
    let loop: any EventLoop
    let slotCount: Int
    let firstSlotIndex: Int
    let shared: SharedRun
    let address: SocketAddress
    let request: ByteBuffer
    private(set) var slots: [Slot] = []
    var tally: BenchResult
    private var running = 0
    private var promise: EventLoopPromise<BenchResult>?
    private var timeoutCheck: RepeatedTask?

    init(
        loop: any EventLoop, slotCount: Int, firstSlotIndex: Int, shared: SharedRun, address: SocketAddress,
        request: ByteBuffer
    ) {
        self.loop = loop
        self.slotCount = slotCount
        self.firstSlotIndex = firstSlotIndex
        self.shared = shared
        self.address = address
        self.request = request
        self.tally = BenchResult(
            url: "", path: "", concurrency: 0, keepAlive: shared.keepAlive,
            highestLatencyMicroseconds: shared.highestLatencyMicroseconds)
    }

    /// Hands the channel being set up its handler: the bootstrap's initializer runs synchronously
    /// inside `connect` on this loop, so one bootstrap serves every connection of the worker.
    private var pendingHandler: SlotHandler?

    private lazy var bootstrap: ClientBootstrap = ClientBootstrap(group: loop)
        .connectTimeout(.nanoseconds(Int64(shared.timeoutNanoseconds)))
        .channelInitializer { [self] channel in
            channel.eventLoop.makeCompletedFuture {
                guard let handler = self.pendingHandler else {
                    throw ChannelError.inappropriateOperationForState
                }
                self.pendingHandler = nil
                try channel.pipeline.syncOperations.addHandler(handler, name: "twip-bench")
            }
        }

    /// Opens a connection to the target whose events go to `handler`.
    func connect(with handler: SlotHandler) -> EventLoopFuture<any Channel> {
        pendingHandler = handler
        defer { pendingHandler = nil }
        return bootstrap.connect(to: address)
    }

    /// Starts every slot; the future completes when all have finished.
    func start() -> EventLoopFuture<BenchResult> {
        let promise = loop.makePromise(of: BenchResult.self)
        self.promise = promise
        running = slotCount
        let check = TimeAmount.nanoseconds(Int64(min(shared.timeoutNanoseconds / 4, 100_000_000)))
        timeoutCheck = loop.scheduleRepeatedTask(initialDelay: check, delay: check) { [self] _ in
            self.expireTimedOutRequests()
        }
        for offset in 0..<slotCount {
            let slot = Slot(worker: self, index: firstSlotIndex + offset)
            slots.append(slot)
        }
        for slot in slots { slot.next() }
        return promise.futureResult
    }

    func slotFinished() {
        running -= 1
        guard running == 0 else { return }
        timeoutCheck?.cancel()
        timeoutCheck = nil
        tally.duration = Double(NIODeadline.now().uptimeNanoseconds - shared.startNanoseconds) / 1e9
        slots.removeAll()
        promise?.succeed(tally)
        promise = nil
    }

    private func expireTimedOutRequests() {
        let now = NIODeadline.now().uptimeNanoseconds
        for slot in slots { slot.expireIfLate(now: now) }
    }

    /// Records how a request ended; `startedAt` is when it was sent (or due, with a rate).
    func record(_ outcome: ConnectionStateMachine.Outcome, startedAt: UInt64, now: UInt64) {
        shared.record(outcome, into: &tally, startedAt: startedAt, now: now)
    }
}

/// One connection slot: sends a request, waits for its response, then the next. Confined to its loop.
final class Slot: @unchecked Sendable {
    private unowned let worker: Worker
    private var machine: ConnectionStateMachine
    private var channel: (any Channel)?
    private var handler: SlotHandler?
    /// When the current request was sent, or was due when a rate is set.
    private var startedAt: UInt64 = 0
    /// When the current request actually began, for the timeout.
    private var busySince: UInt64 = 0
    private var nextDue: UInt64
    private var finished = false

    init(worker: Worker, index: Int) {
        self.worker = worker
        let shared = worker.shared
        // Only the very first slot asks for the Server header: one string per run, not per request.
        let claim = shared.serverClaimed.compareExchange(expected: false, desired: true, ordering: .relaxed)
        machine = ConnectionStateMachine(
            keepAlive: shared.keepAlive, isHead: shared.isHead, captureServer: claim.exchanged)
        // With a rate, slots start staggered so requests are spread evenly over each interval.
        let interval = shared.slotIntervalNanoseconds ?? 0
        nextDue = shared.startNanoseconds + interval * UInt64(index) / UInt64(shared.concurrency)
    }

    /// Sends the next request if the run has one left, else closes up.
    func next() {
        let now = NIODeadline.now().uptimeNanoseconds
        guard worker.shared.takeTicket(now: now) else {
            finish()
            return
        }
        guard let interval = worker.shared.slotIntervalNanoseconds else {
            begin(at: now, now: now)
            return
        }
        let due = nextDue
        nextDue += interval
        if due > now {
            worker.loop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(due)) { [self] in
                self.begin(at: due, now: NIODeadline.now().uptimeNanoseconds)
            }
        } else {
            begin(at: due, now: now)
        }
    }

    private func begin(at due: UInt64, now: UInt64) {
        startedAt = due
        busySince = now
        if machine.hasIdleConnection == false, machine.isBusy == false {
            worker.tally.connections += 1
        }
        machine.captureServer = machine.captureServer && worker.tally.server == nil
        perform(machine.event(.send))
    }

    func expireIfLate(now: UInt64) {
        guard machine.isBusy, now > busySince, now - busySince >= worker.shared.timeoutNanoseconds else { return }
        perform(machine.event(.timedOut))
    }

    /// Handles an event from the channel `source` (events from a channel already let go are ignored).
    func handle(_ event: ConnectionStateMachine.Event, from source: SlotHandler) {
        guard source === handler else { return }
        switch event {
        case .closed:
            detach(close: false)
        case .connected:
            channel = source.channel
        default:
            break
        }
        perform(machine.event(event))
    }

    private func perform(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .connect:
            connect()
        case .write:
            if let channel {
                channel.writeAndFlush(worker.request, promise: nil)
            } else {
                perform(machine.event(.closed))
            }
        case .close:
            detach(close: true)
        case .finished(let outcome, let close):
            if close { detach(close: true) }
            let now = NIODeadline.now().uptimeNanoseconds
            worker.record(outcome, startedAt: startedAt, now: now)
            if case .failure = outcome {
                // Failures can complete inline (a refused connect); hop through the loop so a long run
                // of them cannot grow the stack.
                worker.loop.execute { [self] in self.next() }
            } else {
                next()
            }
        }
    }

    private func connect() {
        let handler = SlotHandler(slot: self)
        self.handler = handler
        worker.connect(with: handler)
            .whenFailure { [self] error in
                let event: ConnectionStateMachine.Event =
                    if case ChannelError.connectTimeout = error { .timedOut } else { .connectFailed }
                self.handle(event, from: handler)
            }
    }

    /// Lets go of the current channel, closing it if asked; its later events are ignored.
    private func detach(close: Bool) {
        handler?.slot = nil
        handler = nil
        if close { channel?.close(promise: nil) }
        channel = nil
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        detach(close: true)
        worker.slotFinished()
    }
}

/// The channel handler of one slot connection: turns channel events into state machine events.
final class SlotHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    var slot: Slot?
    private(set) var channel: (any Channel)?

    init(slot: Slot) {
        self.slot = slot
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let slot else {
            // The slot gave up on this connection (timeout) before it opened.
            context.close(promise: nil)
            return
        }
        channel = context.channel
        slot.handle(.connected, from: self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let slot else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            slot.handle(.read(bytes), from: self)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        channel = nil
        slot?.handle(.closed, from: self)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        slot?.handle(.error, from: self)
        context.close(promise: nil)
    }
}
