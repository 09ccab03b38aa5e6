import ArgumentParser
import DockerEngine
import Foundation

/// `twip setup`: make this machine ready — install the Docker engine and prerequisites, start dockerd.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Verify, install (apt) and start the Docker engine and the prerequisites twip needs.",
        discussion: """
            Does nothing when the engine already answers and the prerequisites are installed. Starting the engine
            needs root; dockerd then runs in the background with its log in \(SetupCommand.logPath).
            """)

    static let logPath = "/var/log/twip-dockerd.log"
    /// Debian packages twip's commands rely on: the engine, and debootstrap for `twip base`.
    static let packages = ["docker.io", "debootstrap"]

    @Option(help: "Seconds to wait for the engine to answer after starting it.")
    var timeout: Int = 60

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let host: DockerHost
        do {
            host = try DockerHost(environment: environment)
        } catch {
            throw UsageError(String(describing: error))
        }
        let isRoot = geteuid() == 0
        var didSomething = false

        let missing = Self.packages.filter { !Self.isInstalled($0) }
        if !missing.isEmpty {
            guard isRoot else {
                throw OperationFailed(
                    "missing Debian packages \(missing.joined(separator: " ")); run `twip setup` as root or "
                        + "`sudo apt-get install -y \(missing.joined(separator: " "))`")
            }
            say("installing \(missing.joined(separator: " ")) with apt-get")
            try Self.run("/usr/bin/apt-get", ["update", "-qq"], quiet: true)
            try Self.run(
                "/usr/bin/apt-get", ["install", "-y", "-qq", "--no-install-recommends"] + missing, quiet: true,
                environment: ["DEBIAN_FRONTEND": "noninteractive"])
            didSomething = true
        }

        if let version = await Self.engineVersion(host) {
            say("engine answers at \(host) (Docker \(version))")
            if !didSomething { say("nothing to do") }
            return
        }
        guard case .unix(let path) = host else {
            throw OperationFailed(
                "no engine answers at \(host); twip starts a local engine only for a unix socket: start that engine, "
                    + "or unset DOCKER_HOST")
        }
        guard isRoot else {
            throw OperationFailed(
                "no engine answers at \(path) and starting dockerd needs root: run `sudo twip setup`")
        }
        say("starting dockerd (log: \(Self.logPath))")
        try Self.startDaemon(socket: path)
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while Date() < deadline {
            if let version = await Self.engineVersion(host) {
                say("engine answers at \(host) (Docker \(version))")
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        let tail =
            (try? String(contentsOfFile: Self.logPath, encoding: .utf8))?
            .split(separator: "\n").suffix(3).joined(separator: " | ") ?? ""
        throw OperationFailed("dockerd did not answer at \(path) within \(timeout) s; its log says: \(tail)")
    }

    func say(_ line: String) {
        Terminal.standardOutput.write("setup: \(line)\n")
    }

    static func isInstalled(_ package: String) -> Bool {
        (try? run("/usr/bin/dpkg-query", ["-W", "-f=${Status}", package], quiet: true, capture: true))?
            .contains("install ok installed") ?? false
    }

    /// The engine's version when it answers `/_ping`, nil otherwise.
    static func engineVersion(_ host: DockerHost) async -> String? {
        let client = DockerClient(host: host)
        var version: String?
        if (try? await client.ping()) != nil {
            version = (try? await client.version())?.version ?? "unknown version"
        }
        try? await client.shutdown()
        return version
    }

    /// Starts dockerd in a session of its own, its output appended to the log, so it outlives `twip setup`.
    ///
    /// posix_spawn rather than Foundation's Process: the daemon must not inherit a pipe nor be waited for.
    static func startDaemon(socket: String) throws {
        let executable = "/usr/sbin/dockerd"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw OperationFailed("\(executable) not found; install docker.io (`apt-get install docker.io`)")
        }
        // A socket file left by an engine that is gone would make dockerd refuse to start.
        try? FileManager.default.removeItem(atPath: socket)
        try spawnDetached([executable, "-H", "unix://\(socket)"], log: logPath)
    }

    /// Spawns `arguments` in a new session with standard input from /dev/null and output appended to `log`.
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
            throw OperationFailed("cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
    }

    /// Runs a program, failing with its output when it exits non-zero.
    ///
    /// Output goes to a temporary file, not a pipe: a daemon started by a package's install script must not be
    /// able to keep twip waiting for the end of a pipe it inherited.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], quiet: Bool, capture: Bool = false,
        environment: [String: String] = [:]
    ) throws -> String {
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("twip-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil),
            let log = try? FileHandle(forWritingTo: logURL)
        else {
            throw OperationFailed("cannot create a temporary file for the output of \(executable)")
        }
        defer {
            try? log.close()
            try? FileManager.default.removeItem(at: logURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw OperationFailed("cannot run \(executable): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        let output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        if process.terminationStatus != 0 && !capture {
            let tail = output.split(separator: "\n").suffix(5).joined(separator: " | ")
            throw OperationFailed("\(executable) \(arguments.joined(separator: " ")) failed: \(tail)")
        }
        if !quiet { Terminal.standardOutput.write(output) }
        return output
    }
}
