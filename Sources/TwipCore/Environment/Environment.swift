import DockerEngine
public import Foundation
public import TwipStack

/// One environment — a stack on an engine — and every operation on it: the core's entry point. Commands parse
/// their arguments, call one of these, and render what comes back.
public struct Environment: Sendable {
    public let session: EngineSession
    public private(set) var stack: Stack
    public let names: EnvironmentNames
    public let proxies: [ProxyRole]
    /// Variables for `environment` entries written without a value (`- FOO`).
    public let processEnvironment: [String: String]
    /// Receives one event per change.
    public let report: ProgressSink
    /// How long a replica taken out of a proxy keeps running so in-flight requests finish.
    public var drainTime: Duration = .seconds(2)
    /// How often readiness is polled.
    public var pollInterval: Duration = .milliseconds(500)
    /// On a swarm, the registry given by `--registry` or `TWIP_REGISTRY` (see `SwarmBackend.registry()`).
    public var registry: ImageRegistry?

    public init(
        session: EngineSession, stack: Stack, name: String, proxies: [ProxyRole],
        processEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        report: @escaping ProgressSink = { _ in }
    ) {
        self.session = session
        self.stack = stack
        self.names = EnvironmentNames(environment: name)
        self.proxies = proxies
        self.processEnvironment = processEnvironment
        self.report = report
    }

    var planner: Planner {
        Planner(stack: stack, names: names, proxies: proxies, processEnvironment: processEnvironment)
    }

    /// The backend the stack runs on: the one its `x-twip` orchestrator names.
    var backend: any Backend {
        if let swarm { return swarm }
        return ContainerBackend(
            client: session.client, stack: stack, names: names, proxies: proxies,
            processEnvironment: processEnvironment, report: report)
    }

    var executor: Executor {
        var executor = Executor(backend: backend, stack: stack)
        executor.drainTime = drainTime
        executor.pollInterval = pollInterval
        executor.report = report
        return executor
    }

    /// The environment as the engine has it now, with the image IDs of the stack's references.
    public func observe() async throws -> ObservedState {
        try await backend.observe(imageReferences: stack.services.map(names.imageReference(for:)))
    }

    // MARK: - Up

    /// What `up` would do now, without doing it.
    public func plan(selection: [String]? = nil, wait: Bool = false) async throws -> Plan {
        try planner.up(selection: selection, observed: try await observe(), wait: wait)
    }

    /// When `up` builds images, like compose's `--build` / `--no-build`.
    public enum BuildPolicy: Sendable, Equatable {
        /// Builds the images of the selection that are missing (and the twip base images they start from).
        case missing
        /// Builds every image of the selection that has a build section.
        case always
        /// Builds nothing: a missing image stops `up` before anything changes.
        case never
    }

    /// Converges `selection` (all services when nil, plus what they depend on) and returns what it planned.
    ///
    /// Images are built first as `build` says (`output` receives the build lines). With `wait`, returns only when
    /// every container of the selection is running and healthy.
    @discardableResult
    public func up(
        selection: [String]? = nil, wait: Bool = false, timeout: Duration = .seconds(300),
        build policy: BuildPolicy = .never,
        output: @escaping @Sendable (_ service: String, _ line: String) -> Void = { _, _ in }
    ) async throws -> Plan {
        let deadline = ContinuousClock.now + timeout
        return try await changing(deadline: deadline) {
            try await buildImages(selection: selection, policy: policy, output: output)
            if let swarm {
                _ = try await swarm.up(selection: selection, wait: wait, deadline: deadline)
                return Plan()
            }
            let observed = try await observe()
            let plan = try planner.up(selection: selection, observed: observed, wait: wait)
            try checkHostPorts(selection: planner.closure(of: selection), observed: observed)
            try checkFileObjects(selection: planner.closure(of: selection))
            try await executor.run(plan.steps, deadline: deadline)
            if plan.isEmpty {
                report(.nothingToChange(environment: names.environment, upToDate: plan.unchanged.count))
            }
            if wait { report(.ready(environment: names.environment)) }
            return plan
        }
    }

    /// Refuses a selection using a secret or config the engine cannot be given (an external one).
    func checkFileObjects(selection: Set<String>) throws {
        let blueprint = ReplicaBlueprint(stack: stack, names: names)
        for service in stack.services where selection.contains(service.name) {
            if let missing = blueprint.unavailableFileObjects(for: service).first {
                throw DeploymentError.unavailableObject(
                    service: service.name, kind: missing.kind, name: missing.name, reason: missing.reason)
            }
        }
    }

    /// Refuses a plan that would publish a host port another process already holds.
    func checkHostPorts(selection: Set<String>, observed: ObservedState) throws {
        let running = Set(observed.containers.filter { $0.state.isUp }.map(\.service))
        for service in stack.services
        where selection.contains(service.name) && service.replicas > 0 && !running.contains(service.name) {
            for port in service.ports {
                guard let published = port.published, port.protocol == "tcp" else { continue }
                if !HostPort.isFree(published, address: port.hostIP) {
                    throw DeploymentError.portTaken(service: service.name, port: published, address: port.hostIP)
                }
            }
        }
    }

    // MARK: - Scale, restart, down

    /// Sets replica counts and converges those services; the proxy follows with no failed request.
    public mutating func scale(_ counts: [String: Int], wait: Bool = true, timeout: Duration = .seconds(300))
        async throws
    {
        if let swarm {
            try await changing(deadline: .now + timeout) {
                try await swarm.scale(counts, wait: wait, deadline: .now + timeout)
            }
            return
        }
        for (name, count) in counts {
            guard let index = stack.services.firstIndex(where: { $0.name == name }) else {
                throw DeploymentError.unknownService(name)
            }
            if count > 1, let reason = stack.services[index].singleReplicaReason {
                throw DeploymentError.cannotReplicate(service: name, reason: reason)
            }
            stack.services[index].replicas = count
        }
        let plan = try await up(selection: Array(counts.keys), wait: wait, timeout: timeout)
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
            report(.scaled(service: name, replicas: count, changed: !plan.actions(for: name).isEmpty))
        }
    }

    /// Restarts replicas one at a time: each leaves the proxy, restarts, becomes healthy, and rejoins.
    public func restart(services: [String]?, timeout: Duration = .seconds(300)) async throws {
        let deadline = ContinuousClock.now + timeout
        try await changing(deadline: deadline) {
            if let swarm { return try await swarm.restart(services: services, deadline: deadline) }
            let plan = planner.restart(services: services, observed: try await observe())
            try await executor.run(plan.steps, deadline: deadline)
        }
    }

    /// Removes the environment's containers and networks, and its named volumes when `volumes`.
    public func down(volumes: Bool) async throws {
        try await changing(deadline: .now + .seconds(300)) {
            if let swarm { return try await swarm.down(deadline: .now + .seconds(300)) }
            let observed = try await backend.observe(imageReferences: [])
            try await executor.run(planner.down(observed: observed, volumes: volumes).steps, deadline: .now)
            if observed.containers.isEmpty { report(.nothingToRemove(environment: names.environment)) }
        }
    }

    /// Runs a command that changes the environment: under its lock (one writer per environment and engine), and
    /// ending — whether it succeeded, failed or was interrupted — with every running proxy's backends equal to the
    /// live, healthy replicas, so that running the same command again converges.
    func changing<T: Sendable>(deadline: ContinuousClock.Instant, _ body: () async throws -> T) async throws -> T {
        let lock = EnvironmentLock(engine: session.host, environment: names.environment)
        return try await lock.withLock(deadline: deadline, waiting: { report(.waitingForLock(holder: $0)) }) {
            let result: T
            do {
                result = try await body()
            } catch {
                await repairProxies()
                throw error
            }
            try await backend.apply(Step(.syncProxies, .proxyFollows))
            return result
        }
    }

    /// After a failure or an interruption: the proxies follow the live replicas again, in a task of its own so
    /// that the cancellation that stopped the command does not stop this too.
    func repairProxies() async {
        guard !proxies.isEmpty else { return }
        let backend = backend
        let failure = await Task.detached { () -> String? in
            do {
                try await backend.apply(Step(.syncProxies, .proxyFollows))
                return nil
            } catch {
                return String(describing: error)
            }
        }.value
        report(failure.map { .proxiesNotRepaired($0) } ?? .proxiesRepaired(environment: names.environment))
    }

    // MARK: - Reading

    /// The environment's containers, by service and replica.
    public func ps() async throws -> [ObservedContainer] {
        try await backend.containers()
            .sorted { ($0.service, $0.replica) < ($1.service, $1.replica) }
    }

    /// The output of the containers of `services` (all when empty), line by line.
    public func logs(
        services: [String], follow: Bool, tail: Int?, line: @escaping @Sendable (LogLine) -> Void
    ) async throws {
        let containers = try await ps().filter { services.isEmpty || services.contains($0.service) }
        try await backend.logs(of: containers, follow: follow, tail: tail, line: line)
    }

    // MARK: - Build

    /// The pre-step of `up`: builds the selection's images the policy asks for, missing twip base images first.
    func buildImages(
        selection: [String]?, policy: BuildPolicy,
        output: @escaping @Sendable (_ service: String, _ line: String) -> Void
    ) async throws {
        guard policy != .never else { return }
        let selected = planner.closure(of: selection)
        var targets: [String] = []
        for service in stack.services where service.build != nil && selected.contains(service.name) {
            let present = policy == .always ? false : try await imageExists(names.imageReference(for: service))
            if !present { targets.append(service.name) }
        }
        guard !targets.isEmpty else { return }
        var bases: Set<String> = []
        for service in stack.services where targets.contains(service.name) {
            guard let build = service.build else { continue }
            for base in BaseImageReference.named(in: build) {
                if !(try await imageExists(base.reference)) { bases.insert(base.name) }
            }
        }
        if !bases.isEmpty {
            let recipes = try BaseImageRecipe.selection(bases.sorted())
            _ = try await session.buildBaseImages(
                recipes,
                options: BaseImageBuilder.Options()
            ) { output("base", $0) }
        }
        _ = try await build(services: targets, noCache: false, output: output)
    }

    /// Whether the engine has an image called `reference`.
    func imageExists(_ reference: String) async throws -> Bool {
        do {
            _ = try await session.client.inspectImage(reference)
            return true
        } catch let error as EngineError where error.isNotFound {
            return false
        }
    }

    /// Builds the images of `services` that have a build section (all such when empty).
    public func build(
        services: [String], noCache: Bool, output: @escaping @Sendable (_ service: String, _ line: String) -> Void
    ) async throws -> [ImageBuild.Result] {
        let build = ImageBuild(client: session.client, stack: stack, environment: names.environment, output: output)
        let targets = build.buildable(services)
        guard !targets.isEmpty else {
            throw UsageFailure("\(stack.filePath): no service to build (none has a build section)")
        }
        return try await build.run(targets, noCache: noCache)
    }
}
