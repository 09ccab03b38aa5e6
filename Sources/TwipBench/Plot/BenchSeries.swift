public import Histogram

/// What a run looked like second by second, plus its latency distribution and marks: the numbers the
/// picture is drawn from and the JSON report carries. A pure function of a recorded run.
public struct BenchSeries: Sendable, Equatable {
    /// One second of the run.
    public struct Second: Sendable, Equatable {
        /// Seconds from the start of the run to the start of this second.
        public var start: Double
        /// How much of this second the run covered (the last one is usually shorter).
        public var length: Double
        /// Responses received (any status).
        public var responses: Int
        /// Failed requests as ab counts them.
        public var failures: Int
        /// Responses whose status was not 2xx.
        public var non2xx: Int
        /// Latency percentiles of this second's responses in milliseconds; nil when none ended in it.
        public var p50: Double?
        /// The 90th percentile in milliseconds.
        public var p90: Double?
        /// The 99th percentile in milliseconds.
        public var p99: Double?
        /// The longest response in milliseconds.
        public var max: Double?

        /// Responses per second over the part of the second the run covered.
        public var requestsPerSecond: Double { length > 0 ? Double(responses) / length : 0 }
    }

    /// The latency below which `percentile` percent of the responses ended.
    public struct Percentile: Sendable, Equatable {
        /// 0 to 100.
        public var percentile: Double
        /// Latency in milliseconds.
        public var milliseconds: Double
    }

    /// A mark placed on the run's timeline.
    public struct Mark: Sendable, Equatable {
        /// Seconds from the start of the run (negative: before it began).
        public var offset: Double
        /// UNIX time of the mark.
        public var time: Double
        /// What happened.
        public var label: String
    }

    /// The percentiles the JSON report lists.
    public static let reportedPercentiles: [Double] = [50, 75, 90, 95, 99, 99.9, 99.99, 99.999, 100]

    /// The seconds of the run in order.
    public var seconds: [Second]
    /// Latency at ``reportedPercentiles``.
    public var percentiles: [Percentile]
    /// The marks in time order.
    public var marks: [Mark]
    /// The run's length in seconds.
    public var duration: Double

    /// The series of `result`.
    public init(result: BenchResult) {
        duration = result.duration
        // Requests end up to a moment after the run's measured end: the last second always covers some time.
        let covered = Swift.max(result.duration, Double(result.timeline.seconds.count - 1) + 0.001)
        seconds = result.timeline.seconds.enumerated().map { index, second in
            let start = Double(index)
            let hasLatency = second.latency.totalCount > 0
            func ms(_ percentile: Double) -> Double? {
                // A percentile is the top of its bucket, which may lie above the longest response.
                hasLatency
                    ? Double(Swift.min(second.latency.valueAtPercentile(percentile), second.latency.maxRecorded)) / 1000
                    : nil
            }
            let length = Swift.min(1, Swift.max(covered - start, 0.001))
            return Second(
                start: start, length: length, responses: second.responses, failures: second.failures,
                non2xx: second.non2xx, p50: ms(50), p90: ms(90), p99: ms(99),
                max: hasLatency ? Double(second.latency.maxRecorded) / 1000 : nil)
        }
        percentiles = Self.distribution(of: result.latency, at: Self.reportedPercentiles)
        marks = result.marks.map { Mark(offset: $0.offset(from: result.startedAt), time: $0.time, label: $0.label) }
    }

    /// The latency at each of `percentiles` (100 is the longest response); empty without responses.
    public static func distribution(of histogram: Histogram<UInt64>, at percentiles: [Double]) -> [Percentile] {
        guard histogram.totalCount > 0 else { return [] }
        return percentiles.map { percentile in
            let value = Swift.min(histogram.valueAtPercentile(Swift.min(percentile, 100)), histogram.maxRecorded)
            return Percentile(percentile: percentile, milliseconds: Double(value) / 1000)
        }
    }
}
