/// The life of one benchmark connection slot, as a pure state machine.
///
/// A slot sends one request at a time. Without keep-alive every request gets a new connection;
/// with keep-alive the connection is reused for as long as the server allows. The driver feeds
/// events (I/O results, timer expiry) and performs the returned action; nothing here touches a
/// socket, so every path, including the failure paths, is unit-tested.
public struct ConnectionStateMachine: Sendable {
    /// Why a request failed, in ab's categories plus timeouts.
    public enum FailureKind: String, CaseIterable, Sendable {
        /// The connection could not be opened (refused, unreachable).
        case connect
        /// The connection broke or the response was not valid HTTP (reset, closed early).
        case receive
        /// The body length differed from the first response's (counted by the report).
        case length
        /// The request took longer than the timeout.
        case timeout
        /// Any other error while writing or reading.
        case exception
    }

    /// How a request ended.
    public enum Outcome: Equatable, Sendable {
        /// A full response arrived.
        case response(ResponseParser.Response)
        /// The request failed.
        case failure(FailureKind)
    }

    /// Something that happened to the slot.
    public enum Event {
        /// The driver wants to send the next request.
        case send
        /// The connection is open.
        case connected
        /// Opening the connection failed.
        case connectFailed
        /// Bytes arrived.
        case read(UnsafeRawBufferPointer)
        /// The connection closed (by either side).
        case closed
        /// The connection reported an error (reset, write failure).
        case error
        /// The request ran past its timeout.
        case timedOut
    }

    /// What the driver must do now.
    public enum Action: Equatable, Sendable {
        /// Nothing.
        case none
        /// Open a new connection.
        case connect
        /// Write the request on the open connection.
        case write
        /// Close the connection; no request was in progress.
        case close
        /// The request ended; close the connection first if `close` is set.
        case finished(Outcome, close: Bool)
    }

    private enum State: Sendable {
        /// No connection and no request.
        case idle
        /// Connecting for a request.
        case connecting
        /// A request is written and its response is being read.
        case awaitingResponse
        /// A kept-alive connection with no request on it.
        case open
    }

    private var state: State = .idle
    private var parser: ResponseParser
    private let keepAlive: Bool
    private let isHead: Bool
    /// Whether the next response's `Server` header should be kept (set for the first response).
    public var captureServer: Bool

    /// A slot in the idle state.
    public init(keepAlive: Bool, isHead: Bool = false, captureServer: Bool = false) {
        self.keepAlive = keepAlive
        self.isHead = isHead
        self.captureServer = captureServer
        self.parser = ResponseParser(isHead: isHead, captureServer: captureServer)
    }

    /// Whether a request is in progress (connecting or awaiting its response).
    public var isBusy: Bool {
        switch state {
        case .connecting, .awaitingResponse: true
        case .idle, .open: false
        }
    }

    /// Whether a connection is open and idle (keep-alive between requests).
    public var hasIdleConnection: Bool {
        if case .open = state { return true }
        return false
    }

    /// Advances the machine by one event and says what the driver must do.
    public mutating func event(_ event: Event) -> Action {
        switch (state, event) {
        case (.idle, .send):
            state = .connecting
            parser.reset(isHead: isHead, captureServer: captureServer)
            return .connect
        case (.open, .send):
            state = .awaitingResponse
            parser.reset(isHead: isHead, captureServer: captureServer)
            return .write
        case (.connecting, .connected):
            state = .awaitingResponse
            return .write
        case (.connecting, .connectFailed):
            state = .idle
            return .finished(.failure(.connect), close: false)
        case (.connecting, .closed), (.connecting, .error):
            state = .idle
            return .finished(.failure(.connect), close: true)
        case (.connecting, .timedOut):
            state = .idle
            return .finished(.failure(.timeout), close: true)
        case (.awaitingResponse, .read(let bytes)):
            switch parser.parse(bytes) {
            case .needMore:
                return .none
            case .complete(let response, let consumed):
                // Bytes after the response on a one-request-at-a-time connection are a protocol error.
                let reusable = keepAlive && response.keepAlive && consumed == bytes.count
                state = reusable ? .open : .idle
                return .finished(.response(response), close: !reusable)
            case .failed:
                state = .idle
                return .finished(.failure(.receive), close: true)
            }
        case (.awaitingResponse, .closed):
            state = .idle
            if case .complete(let response, _) = parser.endOfInput() {
                return .finished(.response(response), close: false)
            }
            return .finished(.failure(.receive), close: false)
        case (.awaitingResponse, .error):
            state = .idle
            return .finished(.failure(.receive), close: true)
        case (.awaitingResponse, .timedOut):
            state = .idle
            return .finished(.failure(.timeout), close: true)
        case (.open, .closed), (.open, .error):
            // The server ended an idle keep-alive connection; the next request reconnects.
            state = .idle
            return .none
        case (.open, .read):
            // Bytes nobody asked for: the connection cannot be trusted any more.
            state = .idle
            return .close
        default:
            return .none
        }
    }
}
