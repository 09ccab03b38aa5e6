import DockerEngine
public import TwipStack

extension ReplicaBlueprint {
    /// Sets the engine fields a service's `ContainerOptions` ask for on a create body.
    func apply(_ service: Service, to config: inout ContainerConfig) {
        let options = service.options
        config.tty = options.tty
        config.openStdin = options.stdinOpen
        var host = config.hostConfig ?? HostConfig()
        host.initProcess = options.initProcess
        host.shmSize = options.shmSize
        host.ulimits = nonEmpty(options.ulimits.map { Ulimit(name: $0.name, soft: $0.soft, hard: $0.hard) })
        host.capAdd = nonEmpty(options.capAdd)
        host.capDrop = nonEmpty(options.capDrop)
        host.securityOpt = (host.securityOpt ?? []) + options.securityOpt
        host.sysctls = options.sysctls.isEmpty ? host.sysctls : options.sysctls
        host.pidsLimit = options.pidsLimit
        host.logConfig = options.logging.map { LogConfig(type: $0.driver ?? "json-file", config: $0.options) }
        host.dns = nonEmpty(options.dns)
        host.dnsSearch = nonEmpty(options.dnsSearch)
        host.dnsOptions = nonEmpty(options.dnsOptions)
        host.extraHosts = nonEmpty(options.extraHosts)
        host.groupAdd = nonEmpty(options.groupAdd)
        host.runtime = options.runtime
        host.devices = nonEmpty(options.devices.map(Self.device))
        host.volumesFrom = nonEmpty(options.volumesFrom.map(volumesFrom))
        host.binds = nonEmpty((host.binds ?? []) + fileBinds(for: service))
        if let mode = options.networkMode {
            host.networkMode = networkMode(mode)
            config.networkingConfig = nil
            if mode != "bridge" { config.hostname = nil }
        }
        config.hostConfig = host
    }

    /// `host`, `none` and `bridge` as they are; `service:NAME` as the first replica of that service.
    func networkMode(_ mode: String) -> String {
        guard mode.hasPrefix("service:") else { return mode }
        return "container:" + names.container(service: String(mode.dropFirst("service:".count)), replica: 1)
    }

    /// `SERVICE[:MODE]` as the first replica's container; `container:NAME[:MODE]` as `NAME[:MODE]`.
    func volumesFrom(_ entry: String) -> String {
        if entry.hasPrefix("container:") { return String(entry.dropFirst("container:".count)) }
        let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
        let container = names.container(service: parts[0], replica: 1)
        return parts.count > 1 ? "\(container):\(parts[1])" : container
    }

    static func device(_ entry: String) -> DeviceMapping {
        let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        return DeviceMapping(
            pathOnHost: parts[0], pathInContainer: parts.count > 1 ? parts[1] : parts[0],
            cgroupPermissions: parts.count > 2 ? parts[2] : "rwm")
    }

    /// File-based secrets and configs as read-only bind mounts; the ones without a file are left to
    /// `unavailableFileObjects`, which refuses them before anything is created.
    func fileBinds(for service: Service) -> [String] {
        var binds: [String] = []
        for (grants, objects, directory) in [
            (service.options.secrets, stack.secrets, "/run/secrets/"), (service.options.configs, stack.configs, "/"),
        ] {
            for grant in grants {
                guard let file = objects.first(where: { $0.name == grant.source })?.file else { continue }
                let target = grant.target.map { $0.hasPrefix("/") ? $0 : directory + $0 } ?? directory + grant.source
                binds.append("\(file):\(target):ro")
            }
        }
        return binds
    }

    /// The secrets and configs `service` uses that a single engine cannot provide: external ones, and ones
    /// taken from a variable or inline content (twip mounts files only).
    public func unavailableFileObjects(for service: Service) -> [(kind: String, name: String, reason: String)] {
        var result: [(kind: String, name: String, reason: String)] = []
        for (kind, grants, objects) in [
            ("secret", service.options.secrets, stack.secrets), ("config", service.options.configs, stack.configs),
        ] {
            for grant in grants {
                guard let object = objects.first(where: { $0.name == grant.source }), object.file == nil else {
                    continue
                }
                let reason =
                    object.external
                    ? "it is external, and a single engine has no swarm store to take it from; declare it with \"file:\""
                    : "twip mounts \(kind)s from files only; declare it with \"file:\""
                result.append((kind, grant.source, reason))
            }
        }
        return result
    }

    private func nonEmpty<T>(_ values: [T]) -> [T]? {
        values.isEmpty ? nil : values
    }
}
