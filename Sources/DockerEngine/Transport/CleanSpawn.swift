import Foundation

/// Starts programs that inherit nothing but what they are given: no descriptor above 2, no blocked signal, the
/// default handlers.
///
/// A long-lived child (an ssh connection) that inherited some other child's descriptor would keep it open:
/// Foundation's Process waits for such a descriptor to close to learn that its own child ended, so it would
/// wait as long as the ssh connection lives.
enum CleanSpawn {
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because Swift's Glibc
    /// module leaves out the GNU extensions.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    nonisolated(unsafe) private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Spawns `command` (looked up on PATH) with the file actions `prepare` adds for descriptors 0-2.
    static func spawn(
        _ command: [String], prepare: (inout posix_spawn_file_actions_t) -> Void
    ) throws(SpawnError) -> pid_t {
        guard let program = command.first else { throw SpawnError(description: "empty command") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        prepare(&actions)
        if let addCloseFrom { _ = addCloseFrom(&actions, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, program, &actions, &attributes, arguments, environ)
        guard result == 0 else { throw SpawnError(description: "\(program): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Why a program could not be started.
    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }
}
