import Testing

@testable import TwipBench

private func read(_ machine: inout ConnectionStateMachine, _ text: String) -> ConnectionStateMachine.Action {
    Array(text.utf8).withUnsafeBytes { machine.event(.read($0)) }
}

private let okResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
private let okParsed = ResponseParser.Response(status: 200, keepAlive: true, bodyLength: 2, receivedLength: 40)

@Suite struct ConnectionStateMachineTests {
    @Test func withoutKeepAliveEveryRequestConnectsAndClosesAfterTheResponse() {
        var machine = ConnectionStateMachine(keepAlive: false)
        #expect(machine.event(.send) == .connect)
        #expect(machine.isBusy)
        #expect(machine.event(.connected) == .write)
        #expect(read(&machine, "HTTP/1.1 200 OK\r\n") == ConnectionStateMachine.Action.none)
        #expect(read(&machine, "Content-Length: 2\r\n\r\nok") == .finished(.response(okParsed), close: true))
        #expect(!machine.isBusy)
        #expect(machine.event(.send) == .connect)
    }

    @Test func withKeepAliveTheConnectionCarriesTheNextRequest() {
        var machine = ConnectionStateMachine(keepAlive: true)
        #expect(machine.event(.send) == .connect)
        #expect(machine.event(.connected) == .write)
        #expect(read(&machine, okResponse) == .finished(.response(okParsed), close: false))
        #expect(machine.hasIdleConnection)
        #expect(machine.event(.send) == .write)
        #expect(read(&machine, okResponse) == .finished(.response(okParsed), close: false))
    }

    @Test func aServerAskingToCloseEndsTheKeptAliveConnection() {
        var machine = ConnectionStateMachine(keepAlive: true)
        _ = machine.event(.send)
        _ = machine.event(.connected)
        let closing = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        guard case .finished(.response(let response), close: true) = read(&machine, closing) else {
            Issue.record("expected a finished response that closes")
            return
        }
        #expect(!response.keepAlive)
        #expect(machine.event(.send) == .connect)
    }

    @Test func anIdleKeptAliveConnectionClosedByTheServerIsNotAFailure() {
        var machine = ConnectionStateMachine(keepAlive: true)
        _ = machine.event(.send)
        _ = machine.event(.connected)
        _ = read(&machine, okResponse)
        #expect(machine.event(.closed) == ConnectionStateMachine.Action.none)
        #expect(machine.event(.send) == .connect)
    }

    @Test func refusedConnectionsAreConnectFailures() {
        var machine = ConnectionStateMachine(keepAlive: false)
        _ = machine.event(.send)
        #expect(machine.event(.connectFailed) == .finished(.failure(.connect), close: false))
        #expect(!machine.isBusy)
    }

    @Test func aServerClosingBeforeTheResponseEndsIsAReceiveFailure() {
        var machine = ConnectionStateMachine(keepAlive: false)
        _ = machine.event(.send)
        _ = machine.event(.connected)
        _ = read(&machine, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        #expect(machine.event(.closed) == .finished(.failure(.receive), close: false))
    }

    @Test func aResetWhileWaitingIsAReceiveFailure() {
        var machine = ConnectionStateMachine(keepAlive: true)
        _ = machine.event(.send)
        _ = machine.event(.connected)
        #expect(machine.event(.error) == .finished(.failure(.receive), close: true))
    }

    @Test func aBodyReadUntilCloseCompletesWhenTheServerCloses() {
        var machine = ConnectionStateMachine(keepAlive: true)
        _ = machine.event(.send)
        _ = machine.event(.connected)
        #expect(read(&machine, "HTTP/1.0 200 OK\r\n\r\nabc") == ConnectionStateMachine.Action.none)
        #expect(
            machine.event(.closed)
                == .finished(
                    .response(.init(status: 200, keepAlive: false, bodyLength: 3, receivedLength: 22)), close: false))
    }

    @Test(arguments: [false, true])
    func timeoutsFailTheRequestAndCloseTheConnection(connected: Bool) {
        var machine = ConnectionStateMachine(keepAlive: true)
        _ = machine.event(.send)
        if connected { _ = machine.event(.connected) }
        #expect(machine.event(.timedOut) == .finished(.failure(.timeout), close: true))
        #expect(!machine.isBusy)
        #expect(machine.event(.send) == .connect)
    }

    @Test func garbageInsteadOfHTTPIsAReceiveFailure() {
        var machine = ConnectionStateMachine(keepAlive: true)
        _ = machine.event(.send)
        _ = machine.event(.connected)
        #expect(read(&machine, "SSH-2.0-OpenSSH\r\n") == .finished(.failure(.receive), close: true))
    }

    @Test func unaskedBytesOnAnIdleConnectionCloseIt() {
        var machine = ConnectionStateMachine(keepAlive: true)
        _ = machine.event(.send)
        _ = machine.event(.connected)
        _ = read(&machine, okResponse)
        #expect(read(&machine, "junk") == .close)
        #expect(machine.event(.send) == .connect)
    }
}
