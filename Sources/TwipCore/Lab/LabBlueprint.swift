public import DockerEngine

/// What the lab's objects are made of: the node containers, the registry service and the edge proxy, computed
/// from the layout alone (pure, unit-tested without an engine).
public struct LabBlueprint: Sendable {
    /// The lab.
    public var layout: LabLayout
    /// The lab network's subnet (the nodes' fixed addresses come from it).
    public var subnet: IPv4Subnet

    /// Creates a blueprint.
    public init(layout: LabLayout, subnet: IPv4Subnet) {
        self.layout = layout
        self.subnet = subnet
    }

    /// The node image.
    public static let nodeImage = "twip/dind:latest"
    /// The registry image, loaded into every node.
    public static let registryImage = "twip/registry:latest"
    /// The edge's image.
    public static let edgeImage = "twip/haproxy:latest"
    /// The Engine API port inside a node.
    public static let nodeAPIPort = 2375
    /// The port the registry listens on in every node, and the address nodes pull from.
    public static let registryPort = 5000
    /// The address the swarm backend pushes to and nodes pull from.
    public static var registryAddress: String { "127.0.0.1:\(registryPort)" }
    /// How often nodes report to the managers: a node that stops is marked down after about three beats.
    public static let heartbeatSeconds: Int64 = 2

    /// The capabilities a node gets: every one the host engine knows (Docker 20.10 knows up to AUDIT_READ) but
    /// SYS_RESOURCE, which the host engine's bounding set lacks here (so `--privileged` fails).
    public static let nodeCapabilities = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE",
        "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
    ]

    /// What a node runs under docker-init (tini): the engine mounts /sys and the cgroup hierarchies read-only in a
    /// container that is not privileged, so the node makes its own mounts of them writable first (its cgroup
    /// namespace is private: it sees its own cgroup as the root), then becomes dockerd, labelled as the lab's so
    /// that `twip lab` pointed at a node knows it.
    public var nodeScript: String {
        [
            "set -e",
            "for m in /sys $(awk '$3 == \"cgroup\" || $3 == \"cgroup2\" { print $2 }' /proc/self/mounts); do",
            "  mount -o remount,bind,rw \"$m\"",
            "done",
            "exec dockerd -H unix:///var/run/docker.sock -H tcp://0.0.0.0:\(Self.nodeAPIPort) --tls=false"
                + " --storage-driver overlay2 --label \(LabLayout.Label.lab)=\(layout.name)",
        ].joined(separator: "\n")
    }

    /// The container of node `index`.
    public func nodeContainer(_ index: Int, cgroupDriver: String) -> ContainerConfig {
        var config = ContainerConfig(image: Self.nodeImage)
        let name = layout.nodeName(index)
        config.hostname = name
        config.entrypoint = ["/usr/bin/docker-init", "--"]
        config.cmd = ["/bin/sh", "-c", nodeScript]
        config.labels = layout.labels(role: "node", node: index)
        config.exposedPorts = ["\(Self.nodeAPIPort)/tcp": EmptyObject()]
        var host = HostConfig()
        host.capAdd = Self.nodeCapabilities
        host.securityOpt = ["seccomp=unconfined", "apparmor=unconfined"]
        // The docker CLI's `systempaths=unconfined`: nothing of /proc or /sys masked or read-only.
        host.maskedPaths = []
        host.readonlyPaths = []
        host.deviceCgroupRules = ["a *:* rwm"]
        host.cgroupnsMode = "private"
        host.cgroupParent = layout.cgroupParent(driver: cgroupDriver)
        host.mounts = [
            Mount(type: "volume", source: layout.volumeName(index), target: "/var/lib/docker"),
            Mount(type: "bind", source: layout.dataDirectory, target: layout.dataDirectory),
            Mount(type: "bind", source: layout.labDirectory, target: layout.labDirectory),
        ]
        // A fresh /run at every start: a node killed with SIGKILL leaves dockerd's and containerd's pid files and
        // sockets behind, and its next dockerd would refuse to start over them.
        host.tmpfs = ["/run": "rw,exec,nosuid,nodev,size=64m"]
        host.portBindings = [
            "\(Self.nodeAPIPort)/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: String(layout.apiPort + index - 1))]
        ]
        host.networkMode = layout.networkName
        config.hostConfig = host
        config.networkingConfig = NetworkingConfig(endpointsConfig: [
            layout.networkName: EndpointConfig(
                ipamConfig: EndpointIPAMConfig(ipv4Address: layout.nodeAddress(index, subnet: subnet)))
        ])
        return config
    }

    /// The edge proxy's container (its configuration is copied in before it starts).
    public func edgeContainer() -> ContainerConfig {
        var config = ContainerConfig(image: Self.edgeImage)
        config.hostname = layout.edgeName
        config.cmd = ["haproxy", "-W", "-db", "-f", Self.edgeConfigurationPath]
        config.labels = layout.labels(role: "edge")
        config.exposedPorts = ["80/tcp": EmptyObject()]
        config.stopSignal = "SIGUSR1"
        var host = HostConfig()
        host.portBindings = ["80/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: String(layout.entryPort))]]
        host.networkMode = layout.networkName
        host.restartPolicy = RestartPolicy(name: "unless-stopped")
        config.hostConfig = host
        config.networkingConfig = NetworkingConfig(endpointsConfig: [
            layout.networkName: EndpointConfig(
                ipamConfig: EndpointIPAMConfig(ipv4Address: layout.edgeAddress(subnet: subnet)))
        ])
        return config
    }

    /// Where the edge's configuration lives in its container.
    public static let edgeConfigurationPath = "/etc/haproxy/edge.cfg"

    /// The edge's HAProxy configuration: every node's entry port, checked every second on the public proxy's
    /// monitor URI, out after two failures; a connection that fails is retried, on another node after the first
    /// retry, so a node that dies costs no request.
    public func edgeConfiguration() -> String {
        let servers = (1...layout.nodeCount).map { index in
            "    server \(layout.nodeName(index)) \(layout.nodeAddress(index, subnet: subnet)):\(layout.entryPort) check"
        }
        return """
            # The edge of lab \(layout.name), written by `twip lab up`: it stands in for the cloud load balancer in
            # front of the nodes, each of which runs the public stack's proxy on its entry port.
            global
                log stdout format raw local0 info
                maxconn 4096
                hard-stop-after 10s

            defaults
                mode http
                log global
                option httplog
                option dontlognull
                option http-keep-alive
                timeout connect 1s
                timeout client 30s
                # A node killed mid-request never answers: after 5 s the request is retried on another node
                # (response-timeout below) instead of waiting for the client to give up.
                timeout server 5s
                timeout http-request 10s
                timeout http-keep-alive 10s
                timeout queue 10s
                # A node that does not take a connection is retried at once on another one; an empty answer (a
                # node dying mid-request) or a 502/503 of a node's proxy is retried too.
                retries 3
                option redispatch 1
                retry-on conn-failure empty-response response-timeout 502 503
                default-server inter 1s fastinter 500ms downinter 1s rise 2 fall 2

            frontend entry
                bind :80
                monitor-uri /edge-health
                default_backend nodes

            backend nodes
                balance roundrobin
                option httpchk GET /haproxy-health
                http-check expect status 200
            \(servers.joined(separator: "\n"))

            """
    }

    /// The registry's configuration: the filesystem storage every node shares (the lab folder), no auth.
    public static let registryConfiguration = """
        version: 0.1
        log:
          fields:
            service: registry
        storage:
          filesystem:
            rootdirectory: /var/lib/docker-registry
          delete:
            enabled: true
        http:
          addr: :\(registryPort)
        health:
          storagedriver:
            enabled: true
            interval: 10s
            threshold: 3

        """

    /// The registry service: one task per node (global) answering on port 5000 of the node itself (host mode),
    /// over storage every node shares; `image` is the registry image's ID, which every node has loaded (an image
    /// given by ID is never pulled).
    public func registryService(image: String) -> ServiceSpec {
        var container = ContainerSpec(image: image)
        container.command = ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/config.yml"]
        container.mounts = [
            ServiceMount(type: "bind", source: layout.registryStorage, target: "/var/lib/docker-registry"),
            ServiceMount(
                type: "bind", source: layout.registryConfiguration, target: "/etc/docker/registry/config.yml",
                readOnly: true),
        ]
        var spec = ServiceSpec(name: "\(layout.name)-registry", taskTemplate: TaskSpec(containerSpec: container))
        spec.labels = layout.labels(role: "registry").merging([LabLayout.Label.registry: Self.registryAddress]) {
            $1
        }
        spec.mode = ServiceMode(replicated: nil)
        spec.endpointSpec = EndpointSpec(
            mode: "dnsrr",
            ports: [ServicePort(targetPort: Self.registryPort, publishedPort: Self.registryPort, publishMode: "host")])
        return spec
    }
}
