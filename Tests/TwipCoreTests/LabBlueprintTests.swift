import DockerEngine
import Foundation
import Testing

@testable import TwipCore

@Suite struct LabLayoutTests {
    let layout = LabLayout(nodeCount: 3, apiPort: 19001, entryPort: 19080, dataDirectory: "/srv/twip/data")

    @Test func aNodeHasOneNameForItsContainerHostnameAndKillArgument() {
        #expect(layout.nodeNames == ["twip-lab-1", "twip-lab-2", "twip-lab-3"])
        #expect(layout.nodeIndex(of: "twip-lab-2") == 2)
        #expect(layout.nodeIndex(of: "twip-lab-x") == nil)
        #expect(layout.nodeIndex(of: "other-2") == nil)
        #expect(layout.volumeName(2) == "twip-lab-2-docker")
        #expect(layout.edgeName == "twip-lab-edge")
        #expect(layout.contextName == "twip-lab")
        #expect(layout.apiHost(3) == "tcp://127.0.0.1:19003")
        #expect(layout.labDirectory == "/var/lib/twip/lab/twip-lab")
    }

    @Test(arguments: [
        (LabLayout(nodeCount: 0, dataDirectory: "/d"), "--nodes 0: a lab has 1 to 9 nodes"),
        (LabLayout(nodeCount: 10, dataDirectory: "/d"), "--nodes 10: a lab has 1 to 9 nodes"),
        (
            LabLayout(name: "Lab", dataDirectory: "/d"),
            "invalid lab name \"Lab\": use lower-case letters, digits and '-', starting with a letter"
        ),
        (LabLayout(apiPort: 65535, dataDirectory: "/d"), "--api-port 65535: the nodes' API ports must lie in 1-65535"),
        (
            LabLayout(apiPort: 19001, entryPort: 19002, dataDirectory: "/d"),
            "entry port 19002 is one of the nodes' API ports"
        ),
        (LabLayout(dataDirectory: "data"), "data directory \"data\" is not absolute"),
    ])
    func badLayoutsAreRefusedBeforeAnyEngineCall(layout: LabLayout, problem: String) {
        #expect(layout.problems == [problem])
    }

    @Test func aGoodLayoutHasNoProblem() {
        #expect(layout.problems.isEmpty)
    }

    @Test(arguments: [
        ("172.22.0.0/16", 11, "172.22.0.11"), ("10.1.2.0/24", 2, "10.1.2.2"), ("192.168.8.0/22", 260, "192.168.9.4"),
        ("172.22.5.7/16", 1, "172.22.0.1"),
    ])
    func subnetAddressesCountFromTheNetworkAddress(subnet: String, offset: Int, address: String) throws {
        #expect(try #require(IPv4Subnet(subnet)).address(offset) == address)
    }

    @Test(arguments: ["fd00::/64", "172.22.0.0", "300.1.1.1/16", "10.0.0.0/31", "a.b.c.d/8"])
    func aSubnetThatIsNotIPv4IsRefused(text: String) {
        #expect(IPv4Subnet(text) == nil)
    }

    @Test func nodesKeepFixedAddressesAfterTheEdge() throws {
        let subnet = try #require(IPv4Subnet("172.22.0.0/16"))
        #expect(layout.edgeAddress(subnet: subnet) == "172.22.0.2")
        #expect(
            layout.nodeNames.indices.map { layout.nodeAddress($0 + 1, subnet: subnet) } == [
                "172.22.0.11", "172.22.0.12", "172.22.0.13",
            ])
    }

    @Test(arguments: [("cgroupfs", "/twip-lab"), ("systemd", "twip_lab.slice")])
    func theCgroupParentFollowsTheEngineDriver(driver: String, parent: String) {
        #expect(layout.cgroupParent(driver: driver) == parent)
    }
}

@Suite struct LabBlueprintTests {
    let blueprint = LabBlueprint(
        layout: LabLayout(nodeCount: 3, apiPort: 19001, entryPort: 19080, dataDirectory: "/srv/twip/data"),
        subnet: IPv4Subnet("172.22.0.0/16")!)

    @Test func aNodeGetsEveryCapabilityButSysResourceAndNotPrivileged() throws {
        let host = try #require(blueprint.nodeContainer(2, cgroupDriver: "cgroupfs").hostConfig)
        let capabilities = try #require(host.capAdd)
        #expect(!capabilities.contains("SYS_RESOURCE"))
        for needed in ["SYS_ADMIN", "NET_ADMIN", "MKNOD", "SYS_PTRACE", "SETFCAP", "AUDIT_READ"] {
            #expect(capabilities.contains(needed))
        }
        #expect(Set(capabilities).count == capabilities.count)
        #expect(host.securityOpt == ["seccomp=unconfined", "apparmor=unconfined"])
        #expect(host.maskedPaths == [] && host.readonlyPaths == [], "systempaths=unconfined")
        #expect(host.deviceCgroupRules == ["a *:* rwm"])
        #expect(host.cgroupnsMode == "private")
        #expect(host.cgroupParent == "/twip-lab")
        #expect(host.restartPolicy == nil, "a killed node stays down until `lab start`")
        #expect(host.tmpfs?["/run"] != nil, "no stale pid file after a SIGKILL")
    }

    @Test func aNodeIsNamedAndAddressedTheSameEverywhere() throws {
        let config = blueprint.nodeContainer(2, cgroupDriver: "cgroupfs")
        #expect(config.hostname == "twip-lab-2")
        #expect(config.labels?[LabLayout.Label.lab] == "twip-lab")
        #expect(config.labels?[LabLayout.Label.node] == "2")
        #expect(config.networkingConfig?.endpointsConfig["twip-lab"]?.ipamConfig?.ipv4Address == "172.22.0.12")
        let host = try #require(config.hostConfig)
        #expect(host.portBindings?["2375/tcp"] == [PortBinding(hostIP: "127.0.0.1", hostPort: "19002")])
        #expect(host.mounts?.map(\.target) == ["/var/lib/docker", "/srv/twip/data", "/var/lib/twip/lab/twip-lab"])
        #expect(host.mounts?.first == Mount(type: "volume", source: "twip-lab-2-docker", target: "/var/lib/docker"))
        #expect(host.mounts?[1].source == "/srv/twip/data", "the data folder is at the same path in every node")
    }

    @Test func theNodeMakesItsCgroupMountsWritableThenBecomesDockerd() throws {
        let config = blueprint.nodeContainer(1, cgroupDriver: "cgroupfs")
        #expect(config.entrypoint == ["/usr/bin/docker-init", "--"])
        let script = try #require(config.cmd?.last)
        #expect(script.contains("mount -o remount,bind,rw"))
        #expect(script.contains("/proc/self/mounts"))
        #expect(
            script.hasSuffix(
                "exec dockerd -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2375 --tls=false --storage-driver overlay2"
                    + " --label io.twip.lab=twip-lab"))
    }

    @Test func theEdgeChecksEveryNodeEverySecondAndRetriesElsewhere() {
        let text = blueprint.edgeConfiguration()
        for index in 1...3 {
            #expect(text.contains("server twip-lab-\(index) 172.22.0.1\(index):19080 check"))
        }
        for line in [
            "default-server inter 1s fastinter 500ms downinter 1s rise 2 fall 2", "retries 3", "option redispatch 1",
            "timeout connect 1s", "timeout server 5s", "option httpchk GET /haproxy-health",
            "retry-on conn-failure empty-response",
            "bind :80",
        ] {
            #expect(text.contains(line), "\(line)")
        }
    }

    @Test func theEdgePublishesTheEntryPortOnLoopbackOnly() throws {
        let config = blueprint.edgeContainer()
        #expect(config.hostConfig?.portBindings?["80/tcp"] == [PortBinding(hostIP: "127.0.0.1", hostPort: "19080")])
        #expect(config.cmd?.last == LabBlueprint.edgeConfigurationPath)
        #expect(config.networkingConfig?.endpointsConfig["twip-lab"]?.ipamConfig?.ipv4Address == "172.22.0.2")
    }

    @Test func theRegistryRunsOnEveryNodeOnItsOwnPortFiveThousandOverSharedStorage() throws {
        let spec = blueprint.registryService(image: "sha256:abc")
        #expect(spec.mode?.global != nil)
        #expect(spec.labels?["io.twip.registry"] == "127.0.0.1:5000")
        #expect(spec.labels?["io.twip.env"] == nil, "twip's environment commands leave it alone")
        #expect(spec.endpointSpec?.ports == [ServicePort(targetPort: 5000, publishedPort: 5000, publishMode: "host")])
        #expect(spec.taskTemplate.containerSpec.image == "sha256:abc")
        let mounts = try #require(spec.taskTemplate.containerSpec.mounts)
        #expect(
            mounts.map(\.source) == ["/var/lib/twip/lab/twip-lab/registry", "/var/lib/twip/lab/twip-lab/registry.yml"])
        #expect(!LabBlueprint.registryConfiguration.contains("auth:"))
    }
}

@Suite struct LabStatusTests {
    @Test func rowsShowEveryNodeWithDashesWhereTheSwarmDidNotSay() {
        let status = LabStatus(
            lab: "twip-lab",
            nodes: [
                LabNodeStatus(
                    node: "twip-lab-1", container: "running", api: "tcp://127.0.0.1:19001", role: "leader",
                    state: "ready", availability: "active", tasks: ["public_proxy", "public_web.1"]),
                LabNodeStatus(
                    node: "twip-lab-2", container: "exited", api: "tcp://127.0.0.1:19002", role: nil, state: nil,
                    availability: nil, tasks: []),
            ], edge: "running", entry: "http://127.0.0.1:19080", data: "/d", answeredBy: "twip-lab-1")
        #expect(
            status.rows == [
                [
                    "twip-lab-1", "running", "tcp://127.0.0.1:19001", "leader", "ready", "active",
                    "2: public_proxy public_web.1",
                ],
                ["twip-lab-2", "exited", "tcp://127.0.0.1:19002", "-", "-", "-", "-"],
            ])
        #expect(LabStatus.header.count == status.rows[0].count)
    }

    @Test(arguments: [("web", 2, "web.2"), ("proxy", nil, "proxy")])
    func aTaskIsNamedBySlotOrByServiceWhenGlobal(service: String, slot: Int?, name: String) {
        #expect(LabStatus.taskName(service: service, slot: slot) == name)
    }

    @Test(arguments: [
        ("twip/haproxy:bookworm", true), ("twip/jdk:latest", true), ("twip/dind:latest", false),
        ("twip/registry:bookworm", false), ("twip-public-web:latest", false), ("twip/unknown:latest", false),
    ])
    func onlyRecipeImagesBuildsStartFromAreLoadedIntoTheFirstNode(reference: String, loaded: Bool) {
        #expect(BaseImageRecipe.isBuildBase(reference) == loaded)
    }
}
