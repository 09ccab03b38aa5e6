import ArgumentParser
import Foundation
import TwipBench
import TwipCore

/// `twip bench`: load-tests an environment's entry point or an http URL and reports latency percentiles.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load-test an environment or an http:// URL (like ab) and report latency percentiles.",
        discussion: """
            TARGET is an environment name (its entry point is used) or an http:// URL on a loopback \
            address. Without -k every request opens a new connection, like ab; with -k connections are \
            kept alive. Ctrl-C ends a run early and reports what it measured, as wrk does. Exit 1 when \
            every request failed, or any failed with --fail-on-error.

            --plot FILE.svg (or FILE.html) draws requests per second, failed requests and latency per \
            second over the run, and the latency by percentile. --mark-file FILE puts marks on that \
            timeline: while the run lasts, every line appended to FILE is one mark, "[UNIX_TIME] LABEL" \
            (UNIX_TIME as from `date +%s.%N`; a line without it is stamped when read; '-' reads standard \
            input). The file may appear after the run starts.
            """
    )

    /// How the report is printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var stack: StackOptions

    @Argument(
        help: ArgumentHelp(
            "An environment name or an http:// URL, then an optional request path: [ENV|URL] [PATH].",
            valueName: "target"))
    var targets: [String] = []

    @Option(name: .customShort("n"), help: "Number of requests.")
    var requests: Int = 1000

    @Option(name: .customShort("c"), help: "Number of connections running at once.")
    var concurrency: Int = 10

    @Flag(name: .customShort("k"), help: "Use HTTP/1.1 keep-alive (default: a new connection per request).")
    var keepAlive = false

    @Option(help: "Run for this long instead of -n requests (e.g. 30s, 500ms, 2m).")
    var duration: String?

    @Option(help: "Seconds a request (connect included) may take before it counts as failed.")
    var timeout: Double = 30

    @Option(help: "Request method.")
    var method: String = "GET"

    @Option(
        name: .customShort("H"),
        help: ArgumentHelp("Extra request header, 'Name: value' (repeatable).", valueName: "header"))
    var headers: [String] = []

    @Option(help: "Send at this total rate (requests/s); latency then counts time a request waited to be sent.")
    var rate: Double?

    @Option(help: "Report format: text or json.")
    var format: Format = .text

    @Flag(help: "Exit 1 when any request failed.")
    var failOnError = false

    @Flag(help: "Allow targets that are not loopback addresses.")
    var allowRemote = false

    @Option(
        help: ArgumentHelp(
            "Draw the run as a picture: FILE.svg, or FILE.html for a page with the picture inline.",
            valueName: "file"))
    var plot: String?

    @Option(
        help: ArgumentHelp(
            "Read timeline marks from FILE during the run, one per line: [UNIX_TIME] LABEL ('-': standard input).",
            valueName: "file"))
    var markFile: String?

    @Option(
        help:
            "Load generator threads (default 1, like ab and wrk -t1; more only helps against a server on other cores).")
    var threads: Int?

    func run() async throws {
        let configuration = try makeConfiguration()
        let plotFormat = try checkPlotAndMarkFile()
        let generator: LoadGenerator
        do {
            generator = try LoadGenerator(configuration: configuration)
        } catch {
            throw UsageError("\(error)")
        }
        let terminal = Terminal.standardError
        let showProgress = terminal.isTTY
        var onProgress: (@Sendable (LoadGenerator.Progress) -> Void)?
        if showProgress {
            onProgress = { progress in terminal.write("\r" + BenchCommand.progressLine(progress)) }
        }
        let marks = markFile.map { BenchMarkReader(source: $0 == "-" ? .standardInput : .file($0)) }
        marks?.start()
        var result: BenchResult
        do {
            result = try await generator.run(progress: onProgress, endOnCancel: true)
        } catch {
            _ = await marks?.stop()
            throw OperationFailed("bench \(configuration.target.url): \(error)")
        }
        if showProgress { terminal.write("\r\u{1B}[K") }
        if let marks, let markFile {
            result.marks = await marks.stop()
            if !marks.sawSource { terminal.write("twip: warning: mark file \(markFile) never appeared; no marks\n") }
        }
        if let plot, let plotFormat {
            do {
                try BenchPlot(result: result).render(plotFormat).write(toFile: plot, atomically: true, encoding: .utf8)
            } catch {
                throw OperationFailed("cannot write the plot to \(plot): \(error.localizedDescription)")
            }
        }
        let report = BenchReport(result: result, target: configuration.target)
        Terminal.standardOutput.write(format == .json ? report.json() : report.text())
        if result.everyRequestFailed {
            throw OperationFailed(
                "every request to \(configuration.target.url) failed (\(Self.describeFailures(result)))")
        }
        if failOnError, result.failedRequests > 0 {
            throw OperationFailed(
                "\(result.failedRequests) of \(result.requests) requests failed (\(Self.describeFailures(result)))")
        }
    }

    /// Turns the command line into a validated benchmark configuration (usage errors exit 2).
    func makeConfiguration() throws -> BenchConfiguration {
        guard targets.count <= 2 else {
            throw UsageError("too many arguments: \(targets.joined(separator: " ")); expected [ENV|URL] [PATH]")
        }
        var target: BenchTarget
        var path: String?
        let first = targets.first
        if let first, first.contains("://") {
            guard stack.environment == nil, stack.file == nil else {
                throw UsageError("give either an environment or a URL, not both")
            }
            do { target = try BenchTarget.parse(first) } catch { throw UsageError("\(error)") }
            path = targets.count > 1 ? targets[1] : nil
        } else {
            var environment = stack.environment
            var rest = targets[...]
            if let first, !first.hasPrefix("/") {
                guard environment == nil else {
                    throw UsageError("environment given twice: \"\(environment ?? "")\" and \"\(first)\"")
                }
                environment = first
                rest = rest.dropFirst()
            }
            guard rest.count <= 1 else {
                throw UsageError("too many arguments: \(targets.joined(separator: " ")); expected [ENV|URL] [PATH]")
            }
            path = rest.first
            if let environment {
                do {
                    try EnvironmentNames.validate(environment)
                } catch {
                    throw UsageError("\(error.message) (a URL must start with http://)")
                }
            }
            let base = try Self.entryURL(environment: environment, file: stack.file)
            do { target = try BenchTarget.parse(base) } catch { throw UsageError("\(error)") }
        }
        if let path {
            guard path.hasPrefix("/") else { throw UsageError("path \"\(path)\" must start with /") }
            target.path = path
        }
        var configuration = BenchConfiguration(target: target)
        configuration.requests = requests
        configuration.concurrency = concurrency
        configuration.keepAlive = keepAlive
        configuration.timeout = timeout
        configuration.method = method
        configuration.rate = rate
        configuration.threads = threads
        configuration.allowRemote = allowRemote
        do {
            configuration.duration = try duration.map(BenchConfiguration.parseDuration)
            configuration.headers = try headers.map(BenchConfiguration.parseHeader)
            try configuration.validate()
        } catch {
            throw UsageError("\(error)")
        }
        return configuration
    }

    /// Checks --plot and --mark-file before any request is sent; returns the picture's format.
    func checkPlotAndMarkFile() throws -> BenchPlot.Format? {
        var isDirectory: ObjCBool = false
        if let markFile, markFile != "-", FileManager.default.fileExists(atPath: markFile, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            throw UsageError("--mark-file \(markFile) is a directory; give the file marks are written to")
        }
        guard let plot else { return nil }
        guard let format = BenchPlot.Format(path: plot) else {
            throw UsageError("--plot \(plot): the file name must end in .svg or .html")
        }
        let directory = (plot as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw UsageError("--plot \(plot): directory \(directory) does not exist")
        }
        return format
    }

    static func progressLine(_ progress: LoadGenerator.Progress) -> String {
        let elapsed = String(format: "%.0fs", progress.elapsed)
        if let total = progress.total {
            let percent = total > 0 ? min(100, progress.started * 100 / total) : 100
            return "bench: \(progress.started)/\(total) requests (\(percent)%), \(elapsed)"
        }
        let duration = progress.duration.map { String(format: " of %.0fs", $0) } ?? ""
        return "bench: \(progress.started) requests, \(elapsed)\(duration)"
    }

    static func describeFailures(_ result: BenchResult) -> String {
        let parts = ConnectionStateMachine.FailureKind.allCases.compactMap { kind -> String? in
            guard let count = result.failureCounts[kind], count > 0 else { return nil }
            return "\(kind.rawValue): \(count)"
        }
        return parts.joined(separator: ", ")
    }
}

extension BenchCommand {
    /// The base URL (`http://host:port/`) of an environment's entry point, read from its stack (default prod).
    static func entryURL(environment: String?, file: String?) throws -> String {
        var options = StackOptions()
        options.environment = environment
        options.file = file
        let loaded = try options.load(defaultEnvironment: "prod")
        let (host, port) = try entryPort(of: loaded)
        return "http://\(host):\(port)/"
    }
}
