public import Histogram

/// Per-second counts and latencies of a run, each request in the second it ended in.
///
/// Recording is on the load generator's hot path: an index computation, two counters and a histogram
/// record. Each loop keeps its own timeline; they are merged once the run is over.
public struct BenchTimeline: Sendable {
    /// What ended within one second of the run.
    public struct Second: Sendable {
        /// Responses received (any status).
        public var responses: Int = 0
        /// Failed requests as ab counts them (connect, receive, length, exceptions, timeouts).
        public var failures: Int = 0
        /// Responses whose status was not 2xx.
        public var non2xx: Int = 0
        /// Latency of the responses in microseconds, to two significant digits.
        public var latency: Histogram<UInt32>

        /// An empty second.
        public init() {
            // Two digits keep a second's histogram small (about a hundred counters per doubling of the
            // range); the run's own histogram keeps three for the report.
            latency = Histogram<UInt32>(numberOfSignificantValueDigits: .two)
        }
    }

    /// The seconds of the run, from its start; a second in which nothing ended is empty.
    public private(set) var seconds: [Second] = []

    /// An empty timeline.
    public init() {}

    /// Records a response that ended `offsetNanoseconds` after the run began.
    @inline(__always)
    mutating func recordResponse(offsetNanoseconds: UInt64, microseconds: UInt64, non2xx: Bool) {
        let index = slot(offsetNanoseconds)
        seconds[index].responses += 1
        if non2xx { seconds[index].non2xx += 1 }
        seconds[index].latency.record(microseconds)
    }

    /// Records a failed request that ended `offsetNanoseconds` after the run began.
    @inline(__always)
    mutating func recordFailure(offsetNanoseconds: UInt64) {
        seconds[slot(offsetNanoseconds)].failures += 1
    }

    /// Records a response, given in whole seconds from the start (for building a run by hand).
    public mutating func recordResponse(second: Int, microseconds: UInt64, non2xx: Bool = false) {
        recordResponse(
            offsetNanoseconds: UInt64(max(0, second)) * 1_000_000_000, microseconds: microseconds, non2xx: non2xx)
    }

    /// Records a failure, given in whole seconds from the start (for building a run by hand).
    public mutating func recordFailure(second: Int) {
        recordFailure(offsetNanoseconds: UInt64(max(0, second)) * 1_000_000_000)
    }

    /// The index of the second holding `offsetNanoseconds`, growing the timeline to reach it.
    @inline(__always)
    private mutating func slot(_ offsetNanoseconds: UInt64) -> Int {
        let index = Int(offsetNanoseconds / 1_000_000_000)
        if index >= seconds.count { grow(to: index) }
        return index
    }

    private mutating func grow(to index: Int) {
        seconds.reserveCapacity(index + 1)
        while seconds.count <= index { seconds.append(Second()) }
    }

    /// Adds another loop's timeline of the same run to this one.
    public mutating func merge(_ other: BenchTimeline) {
        if other.seconds.count > seconds.count { grow(to: other.seconds.count - 1) }
        for (index, second) in other.seconds.enumerated() {
            seconds[index].responses += second.responses
            seconds[index].failures += second.failures
            seconds[index].non2xx += second.non2xx
            seconds[index].latency.add(second.latency)
        }
    }
}
