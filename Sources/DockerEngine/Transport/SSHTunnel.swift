import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A private unix socket whose every connection is relayed to a new `ssh HOST docker system dial-stdio`
/// process, so an HTTP client that only dials sockets can speak to an engine over ssh as the docker CLI does.
///
/// The socket lives in a fresh directory only its owner can enter; `close()` stops the listener, ends the ssh
/// processes and removes the directory.
final class SSHTunnel: Sendable {
    /// The destination every connection goes to.
    let destination: SSHDestination
    private let state = Mutex<State>(.idle)
    private let processes = SSHProcesses()

    private enum State {
        case idle
        case listening(directory: String, channel: any Channel)
        case closed
    }

    init(destination: SSHDestination) {
        self.destination = destination
    }

    /// The socket to connect to, starting the listener on first use.
    func socketPath() async throws -> String {
        let existing: String? = try state.withLock { state in
            switch state {
            case .listening(let directory, _): return directory + "/engine.sock"
            case .closed: throw SSHTunnelError.closed
            case .idle: return nil
            }
        }
        if let existing { return existing }
        return try await start()
    }

    /// The last line ssh wrote on its standard error, to explain a connection that closed at once.
    func lastError() -> String? {
        let directory: String? = state.withLock { state in
            if case .listening(let directory, _) = state { return directory }
            return nil
        }
        guard let directory, let data = FileManager.default.contents(atPath: directory + "/ssh.log") else {
            return nil
        }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty }
    }

    private func start() async throws -> String {
        var template = Array((FileManager.default.temporaryDirectory.path + "/twip-ssh-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw SSHTunnelError.cannotCreateDirectory(String(cString: strerror(errno)))
        }
        // mkdtemp makes the directory 0700: only this user can reach the socket inside it.
        let directory = String(cString: created)
        let socket = directory + "/engine.sock"
        let command = destination.command
        let log = directory + "/ssh.log"
        let processes = self.processes
        // Writing into a pipe whose reader (ssh) has gone must fail the write, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { connection in
                    SSHTunnel.relay(connection, command: command, log: log, processes: processes)
                }
                .bind(unixDomainSocketPath: socket).get()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        let raced: String? = state.withLock { state in
            switch state {
            case .idle:
                state = .listening(directory: directory, channel: channel)
                return nil
            case .listening(let other, _):
                return other + "/engine.sock"
            case .closed:
                return ""
            }
        }
        guard let raced else { return socket }
        // Another request started a listener first (or the client closed meanwhile): keep only one.
        try? await channel.close()
        try? FileManager.default.removeItem(atPath: directory)
        guard !raced.isEmpty else { throw SSHTunnelError.closed }
        return raced
    }

    /// Stops listening, ends every ssh process and removes the socket's directory.
    func close() async {
        let previous = state.withLock { state in
            let previous = state
            state = .closed
            return previous
        }
        guard case .listening(let directory, let channel) = previous else { return }
        try? await channel.close()
        processes.terminateAll()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Spawns ssh for one accepted connection and relays bytes both ways until either side closes.
    private static func relay(
        _ connection: any Channel, command: [String], log: String, processes: SSHProcesses
    ) -> EventLoopFuture<Void> {
        let spawned: SpawnedProcess
        do {
            spawned = try SpawnedProcess(command, standardErrorLog: log)
        } catch {
            return connection.eventLoop.makeFailedFuture(error)
        }
        processes.insert(spawned.pid)
        return NIOPipeBootstrap(group: connection.eventLoop)
            .channelInitializer { pipe in
                pipe.eventLoop.makeCompletedFuture {
                    try pipe.pipeline.syncOperations.addHandler(Relay(partner: connection))
                }
            }
            .takingOwnershipOfDescriptors(input: spawned.output, output: spawned.input)
            .flatMapThrowing { pipe in
                pipe.closeFuture.whenComplete { _ in processes.reap(spawned.pid, on: pipe.eventLoop) }
                try connection.pipeline.syncOperations.addHandler(Relay(partner: pipe))
            }
            .flatMapErrorThrowing { error in
                processes.terminate(spawned.pid, on: connection.eventLoop)
                throw error
            }
    }
}

/// Copies what one channel reads into its partner, pausing reads while the partner cannot keep up, and
/// closes the partner when its own channel closes.
private final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let partner: any Channel

    init(partner: any Channel) {
        self.partner = partner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner.write(unwrapInboundIn(data), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner.flush()
        if !partner.isWritable {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            partner.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// The ssh processes a tunnel started, so they are reaped when they end and stopped when the tunnel closes.
private final class SSHProcesses: Sendable {
    private let running = Mutex<Set<pid_t>>([])

    func insert(_ pid: pid_t) {
        running.withLock { _ = $0.insert(pid) }
    }

    /// Collects `pid`'s exit status once it ends, polling without blocking: ssh exits soon after its standard
    /// input closes, and one that lingers is killed after five seconds.
    ///
    /// No thread blocks in waitpid: a thread waiting there with SIGCHLD unblocked would take the signal that
    /// Foundation's Process relies on to notice its own children ending.
    func reap(_ pid: pid_t, on loop: any EventLoop, attempt: Int = 0) {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid || (result == -1 && errno != EINTR) {
            running.withLock { _ = $0.remove(pid) }
            return
        }
        if attempt == 50 { kill(pid, SIGKILL) }
        loop.scheduleTask(in: .milliseconds(100)) { self.reap(pid, on: loop, attempt: attempt + 1) }
    }

    func terminate(_ pid: pid_t, on loop: any EventLoop) {
        kill(pid, SIGTERM)
        reap(pid, on: loop)
    }

    func terminateAll() {
        for pid in running.withLock({ $0 }) { kill(pid, SIGTERM) }
    }
}

/// A child process with its standard input and output on pipes and its standard error appended to a file.
private struct SpawnedProcess {
    let pid: pid_t
    /// Write end of the child's standard input.
    let input: CInt
    /// Read end of the child's standard output.
    let output: CInt

    init(_ command: [String], standardErrorLog: String) throws {
        var toChild: [CInt] = [-1, -1]
        var fromChild: [CInt] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw SSHTunnelError.spawn("pipe: \(Self.lastError())") }
        guard pipe(&fromChild) == 0 else {
            let reason = Self.lastError()
            close(toChild[0])
            close(toChild[1])
            throw SSHTunnelError.spawn("pipe: \(reason)")
        }
        // Only the ends dup'ed onto 0 and 1 belong in the child (and in no other child spawned meanwhile).
        for descriptor in toChild + fromChild { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        do {
            pid = try CleanSpawn.spawn(command) { actions in
                posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
                posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
                posix_spawn_file_actions_addopen(&actions, 2, standardErrorLog, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            }
        } catch {
            for descriptor in toChild + fromChild { close(descriptor) }
            throw SSHTunnelError.spawn(error.description)
        }
        close(toChild[0])
        close(fromChild[1])
        self.pid = pid
        self.input = toChild[1]
        self.output = fromChild[0]
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// The ssh tunnel could not be set up.
enum SSHTunnelError: Error, CustomStringConvertible {
    case closed
    case cannotCreateDirectory(String)
    case spawn(String)

    var description: String {
        switch self {
        case .closed: "the ssh tunnel is closed"
        case .cannotCreateDirectory(let reason): "cannot create the ssh tunnel's directory: \(reason)"
        case .spawn(let reason): "cannot start ssh: \(reason)"
        }
    }
}
