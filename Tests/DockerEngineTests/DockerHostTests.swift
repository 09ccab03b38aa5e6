import DockerEngine
import Testing

@Suite struct DockerHostTests {
    @Test(arguments: [
        ("unix:///var/run/docker.sock", DockerHost.unix(path: "/var/run/docker.sock")),
        ("unix:///tmp/my docker.sock", .unix(path: "/tmp/my docker.sock")),
        ("tcp://127.0.0.1:2375", .tcp(host: "127.0.0.1", port: 2375)),
        ("tcp://localhost", .tcp(host: "localhost", port: 2375)),
        ("tcp://docker.example:2376/", .tcp(host: "docker.example", port: 2376)),
        ("tcp://[::1]:2375", .tcp(host: "::1", port: 2375)),
        ("ssh://host", .ssh(SSHDestination(host: "host"))),
        ("ssh://deploy@docker.example:2222", .ssh(SSHDestination(user: "deploy", host: "docker.example", port: 2222))),
        ("ssh://root@[::1]", .ssh(SSHDestination(user: "root", host: "::1"))),
    ])
    func validHostsParse(value: String, expected: DockerHost) throws {
        #expect(try DockerHost(parsing: value) == expected)
    }

    @Test(arguments: [
        "ssh://", "ssh://@host", "ssh://-oProxyCommand=x", "ssh://host/path", "npipe:////./pipe/docker_engine",
        "unix://relative.sock", "tcp://", "tcp://host:abc",
        "tcp://host:70000", "/var/run/docker.sock", "tcp://host:1/path",
    ])
    func invalidHostsAreRejectedNamingTheValue(value: String) {
        let error = #expect(throws: DockerHostError.self) { try DockerHost(parsing: value) }
        #expect(error?.description.hasPrefix("invalid DOCKER_HOST \"\(value)\": ") == true)
    }

    @Test func anUnsetOrEmptyDockerHostMeansTheDefaultSocket() throws {
        #expect(try DockerHost(environment: [:]) == .unix(path: "/var/run/docker.sock"))
        #expect(try DockerHost(environment: ["DOCKER_HOST": ""]) == .default)
        #expect(try DockerHost(environment: ["DOCKER_HOST": "tcp://127.0.0.1:1"]) == .tcp(host: "127.0.0.1", port: 1))
    }

    @Test func unreachableDescriptionsSayWhatToDo() {
        let denied = EngineUnreachable(host: .default, reason: .permissionDenied)
        #expect(
            denied.description == "permission denied on /var/run/docker.sock: run as root or join the docker group")
        let refused = EngineUnreachable(host: .tcp(host: "127.0.0.1", port: 2375), reason: .connectionRefused)
        #expect(refused.description.contains("127.0.0.1:2375"))
        #expect(refused.description.hasSuffix("start it with `twip setup`"))
    }
}

@Suite struct EngineErrorTests {
    @Test func descriptionNamesOperationObjectStatusAndTheEnginesMessage() {
        let error = EngineError(
            operation: "create container", object: "prod-web-2", status: 409,
            message: "Conflict. The container name \"/prod-web-2\" is already in use")
        #expect(
            error.description
                == "create container prod-web-2: 409 Conflict: Conflict. The container name \"/prod-web-2\" is already in use"
        )
        #expect(error.isConflict)
        #expect(!error.isNotFound)
    }

    @Test func aFailureInsideAStreamOmitsTheStatus() {
        let error = EngineError(operation: "build", object: "app:1", status: 200, message: "boom")
        #expect(error.description == "build app:1: boom")
    }
}
