import DockerEngine
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Makes this machine ready for twip: the Debian packages it relies on installed, and a Docker engine answering.
public struct EngineSetup: Sendable {
    /// Where a dockerd started by twip writes its log.
    public static let logPath = "/var/log/twip-dockerd.log"
    /// Debian packages twip's commands rely on: the engine, and debootstrap for `twip base`.
    public static let packages = ["docker.io", "debootstrap"]

    /// How long to wait for a started engine to answer.
    public var timeout: Duration
    public var environment: [String: String]

    public init(timeout: Duration = .seconds(60), environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.timeout = timeout
        self.environment = environment
    }

    /// Installs what is missing and starts dockerd when no engine answers; says what it does through `say`.
    public func run(say: @Sendable (String) -> Void) async throws {
        let host: DockerHost
        do {
            host = try DockerHost(environment: environment)
        } catch {
            throw UsageFailure(String(describing: error))
        }
        let isRoot = geteuid() == 0
        var didSomething = false
        var missing: [String] = []
        for package in Self.packages where !(await Self.isInstalled(package)) { missing.append(package) }
        if !missing.isEmpty {
            guard isRoot else {
                throw OperationFailure(
                    "missing Debian packages \(missing.joined(separator: " ")); run `twip setup` as root or "
                        + "`sudo apt-get install -y \(missing.joined(separator: " "))`")
            }
            say("installing \(missing.joined(separator: " ")) with apt-get")
            try await check(HostCommand(executable: "/usr/bin/apt-get", arguments: ["update", "-qq"]))
            try await check(
                HostCommand(
                    executable: "/usr/bin/apt-get",
                    arguments: ["install", "-y", "-qq", "--no-install-recommends"] + missing,
                    environment: ["DEBIAN_FRONTEND": "noninteractive"]))
            didSomething = true
        }
        if let version = await engineVersion() {
            say("engine answers at \(host) (Docker \(version))")
            if !didSomething { say("nothing to do") }
            return
        }
        guard case .unix(let path) = host else {
            throw OperationFailure(
                "no engine answers at \(host); twip starts a local engine only for a unix socket: start that engine, "
                    + "or unset DOCKER_HOST")
        }
        guard isRoot else {
            throw OperationFailure(
                "no engine answers at \(path) and starting dockerd needs root: run `sudo twip setup`")
        }
        say("starting dockerd (log: \(Self.logPath))")
        try Self.startDaemon(socket: path)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let version = await engineVersion() {
                say("engine answers at \(host) (Docker \(version))")
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        let tail =
            (try? String(contentsOfFile: Self.logPath, encoding: .utf8))?
            .split(separator: "\n").suffix(3).joined(separator: " | ") ?? ""
        throw OperationFailure("dockerd did not answer at \(path) within \(timeout); its log says: \(tail)")
    }

    func check(_ command: HostCommand) async throws {
        let (status, output) = try await command.run()
        guard status == 0 else {
            let tail = output.split(separator: "\n").suffix(5).joined(separator: " | ")
            throw OperationFailure("\(command.commandLine) failed: \(tail)")
        }
    }

    static func isInstalled(_ package: String) async -> Bool {
        let query = HostCommand(executable: "/usr/bin/dpkg-query", arguments: ["-W", "-f=${Status}", package])
        return (try? await query.run())?.output.contains("install ok installed") ?? false
    }

    /// The engine's version when it answers `/_ping`, nil otherwise.
    func engineVersion() async -> String? {
        try? await EngineSession.with(environment: environment) { session in
            (try? await session.client.version())?.version ?? "unknown version"
        }
    }

    /// Starts dockerd in a session of its own, its output appended to the log, so it outlives `twip setup`.
    static func startDaemon(socket: String) throws {
        let executable = "/usr/sbin/dockerd"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw OperationFailure("\(executable) not found; install docker.io (`apt-get install docker.io`)")
        }
        // A socket left by an engine that is gone makes dockerd refuse to start. Remove only that: a socket file
        // (lstat, so a link is never followed), never a directory or anything else the path may name.
        var info = stat()
        if lstat(socket, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                throw OperationFailure("\(socket) exists and is not a socket; twip leaves it alone: remove or move it")
            }
            unlink(socket)
        }
        try spawnDetached([executable, "-H", "unix://\(socket)"], log: logPath)
    }

    /// Spawns `arguments` in a new session with standard input from /dev/null and output appended to `log`.
    ///
    /// posix_spawn rather than Foundation's Process: the daemon must not inherit a pipe nor be waited for.
    static func spawnDetached(_ arguments: [String], log: String) throws {
        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
        posix_spawnattr_init(&attributes)
        posix_spawn_file_actions_init(&actions)
        defer {
            posix_spawnattr_destroy(&attributes)
            posix_spawn_file_actions_destroy(&actions)
        }
        // POSIX_SPAWN_SETSID (glibc 2.26+): the child leads a new session, detached from twip's terminal.
        posix_spawnattr_setflags(&attributes, Int16(0x80))
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard status == 0 else {
            throw OperationFailure("cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
    }
}
