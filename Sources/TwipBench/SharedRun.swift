import Foundation
import Histogram
import NIOCore
import Synchronization

/// State every loop shares: the request budget, the deadline and the first response's facts.
final class SharedRun: Sendable {
    /// Tickets left; a duration run starts from Int.max so the count still says how many started.
    let remaining: Atomic<Int>
    private let initialTickets: Int
    /// The body length every 2xx response must have (ab's "Length" check); -1 until known.
    let documentLength = Atomic<Int>(-1)
    let serverClaimed = Atomic<Bool>(false)
    /// Set when the run was ended before its count or duration; progress stops counting then.
    let endedEarly = Atomic<Bool>(false)
    let total: Int?
    let startNanoseconds: UInt64
    /// The wall-clock time of `startNanoseconds`, in seconds since 1970.
    let startUnixTime: Double
    let deadlineNanoseconds: UInt64?
    let duration: Double?
    let timeoutNanoseconds: UInt64
    /// Nanoseconds between two requests of one slot when a rate is set.
    let slotIntervalNanoseconds: UInt64?
    let keepAlive: Bool
    let isHead: Bool
    let concurrency: Int

    init(configuration: BenchConfiguration, start: NIODeadline) {
        let counted = configuration.duration == nil
        total = counted ? configuration.requests : nil
        initialTickets = counted ? configuration.requests : Int.max
        remaining = Atomic(initialTickets)
        startNanoseconds = start.uptimeNanoseconds
        startUnixTime = Date().timeIntervalSince1970
        duration = configuration.duration
        deadlineNanoseconds = configuration.duration.map { start.uptimeNanoseconds + UInt64($0 * 1e9) }
        timeoutNanoseconds = UInt64(configuration.timeout * 1e9)
        slotIntervalNanoseconds = configuration.rate.map { UInt64(Double(configuration.concurrency) / $0 * 1e9) }
        keepAlive = configuration.keepAlive
        isHead = configuration.method.uppercased() == "HEAD"
        concurrency = configuration.concurrency
    }

    var highestLatencyMicroseconds: UInt64 {
        UInt64((Double(timeoutNanoseconds) / 1000) * 2) + UInt64((duration ?? 0) * 1e6)
    }

    /// Ends the run early: the next ``takeTicket(now:)`` of every slot says the run is over.
    func endEarly() {
        endedEarly.store(true, ordering: .relaxed)
        remaining.store(0, ordering: .relaxed)
    }

    /// Takes the right to send one more request; false when the run is over.
    func takeTicket(now: UInt64) -> Bool {
        if let deadlineNanoseconds, now >= deadlineNanoseconds { return false }
        // One atomic operation per request, shared by all loops; it also counts progress.
        return remaining.wrappingSubtract(1, ordering: .relaxed).oldValue > 0
    }

    /// Adds how a request ended to `tally`; `startedAt` is when it was sent (or due, with a rate).
    func record(
        _ outcome: ConnectionStateMachine.Outcome, into tally: inout BenchResult, startedAt: UInt64, now: UInt64
    ) {
        switch outcome {
        case .failure(let kind):
            tally.failureCounts[kind, default: 0] += 1
            tally.timeline.recordFailure(offsetNanoseconds: now > startNanoseconds ? now - startNanoseconds : 0)
        case .response(let response):
            tally.responses += 1
            tally.bytes += response.receivedLength
            tally.bodyBytes += response.bodyLength
            tally.statusCounts[response.status, default: 0] += 1
            if response.keepAlive { tally.keepAliveResponses += 1 }
            if let server = response.server, tally.server == nil { tally.server = server }
            let microseconds = now > startedAt ? (now - startedAt) / 1000 : 0
            tally.latency.record(microseconds)
            let offset = now > startNanoseconds ? now - startNanoseconds : 0
            let success = (200..<300).contains(response.status)
            tally.timeline.recordResponse(offsetNanoseconds: offset, microseconds: microseconds, non2xx: !success)
            if success {
                let expected = documentLength.compareExchange(
                    expected: -1, desired: response.bodyLength, ordering: .relaxed)
                if expected.exchanged {
                    tally.documentLength = response.bodyLength
                } else if expected.original != response.bodyLength {
                    tally.failureCounts[.length, default: 0] += 1
                    tally.timeline.recordFailure(offsetNanoseconds: offset)
                }
            } else {
                tally.non2xx += 1
            }
        }
    }

    func progress() -> LoadGenerator.Progress {
        let elapsed = Double(NIODeadline.now().uptimeNanoseconds - startNanoseconds) / 1e9
        let left = endedEarly.load(ordering: .relaxed) ? initialTickets : remaining.load(ordering: .relaxed)
        return .init(
            started: max(0, min(initialTickets - left, initialTickets)), total: total,
            elapsed: elapsed, duration: duration)
    }
}
