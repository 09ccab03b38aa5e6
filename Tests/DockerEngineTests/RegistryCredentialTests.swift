import DockerEngine
import EngineTestSupport
import Foundation
import Testing

/// A DOCKER_CONFIG folder and a PATH folder of `docker-credential-*` scripts, made for one test.
struct CredentialSetup {
    let directory: String

    var configDirectory: String { directory + "/config" }
    var binDirectory: String { directory + "/bin" }
    var environment: [String: String] { ["DOCKER_CONFIG": configDirectory, "PATH": binDirectory + ":/usr/bin:/bin"] }

    static func with(_ body: (CredentialSetup) async throws -> Void) async throws {
        let directory = try TransportTestSupport.scratch("creds")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let setup = CredentialSetup(directory: directory)
        try FileManager.default.createDirectory(atPath: setup.configDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: setup.binDirectory, withIntermediateDirectories: true)
        try await body(setup)
    }

    func config(_ json: String) throws {
        try TransportTestSupport.write(json, to: configDirectory + "/config.json")
    }

    /// A helper answering `get` with `username` and `secret`; it records the server address it was asked for.
    func helper(_ name: String, username: String, secret: String) throws {
        try script(
            name,
            """
            [ "$1" = get ] || exit 2
            read -r server
            printf '%s' "$server" > "\(directory)/\(name).asked"
            printf '{"ServerURL":"%s","Username":"\(username)","Secret":"\(secret)"}\\n' "$server"
            """)
    }

    /// A helper that fails, saying `message` on standard output as the helper protocol does.
    func failingHelper(_ name: String, message: String) throws {
        try script(name, "cat >/dev/null\necho '\(message)'\nexit 1")
    }

    func script(_ name: String, _ body: String) throws {
        try TransportTestSupport.write(
            "#!/bin/sh\n\(body)\n", to: "\(binDirectory)/docker-credential-\(name)", mode: 0o755)
    }

    /// The server address the helper `name` was last asked about.
    func asked(_ name: String) -> String? {
        try? String(contentsOfFile: "\(directory)/\(name).asked", encoding: .utf8)
    }
}

@Suite struct RegistryCredentialTests {
    static let basic = Data("file-user:file-secret".utf8).base64EncodedString()

    /// A config file's credential sections and the user whose credentials must win.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var config: String
        var expectedUser: String?
        var expectedPassword: String?
        var testDescription: String { label }
    }

    @Test(arguments: [
        Case(
            label: "credHelpers first",
            config:
                #"{"credHelpers":{"reg.example:5000":"one"},"credsStore":"two","auths":{"reg.example:5000":{"auth":"\#(basic)"}}}"#,
            expectedUser: "user-one", expectedPassword: "secret-one"),
        Case(
            label: "credsStore next",
            config:
                #"{"credHelpers":{"elsewhere":"one"},"credsStore":"two","auths":{"reg.example:5000":{"auth":"\#(basic)"}}}"#,
            expectedUser: "user-two", expectedPassword: "secret-two"),
        Case(
            label: "auths last",
            config: #"{"credHelpers":{"elsewhere":"one"},"auths":{"https://reg.example:5000":{"auth":"\#(basic)"}}}"#,
            expectedUser: "file-user", expectedPassword: "file-secret"),
        Case(
            label: "auths with separate fields",
            config: #"{"auths":{"reg.example:5000":{"username":"field-user","password":"field-secret"}}}"#,
            expectedUser: "field-user", expectedPassword: "field-secret"),
        Case(
            label: "nothing for the registry", config: #"{"auths":{"other":{"auth":"\#(basic)"}}}"#, expectedUser: nil,
            expectedPassword: nil),
    ])
    func credentialsAreFoundInTheDockerCLIsOrder(example: Case) async throws {
        try await CredentialSetup.with { setup in
            try setup.helper("one", username: "user-one", secret: "secret-one")
            try setup.helper("two", username: "user-two", secret: "secret-two")
            try setup.config(example.config)
            let found = try RegistryAuth.lookup(registry: "reg.example:5000", environment: setup.environment)
            #expect(found?.username == example.expectedUser)
            #expect(found?.password == example.expectedPassword)
            #expect(found == nil || found?.serverAddress == "reg.example:5000")
            // A helper that answered was given the registry's address on its standard input.
            for helper in ["one", "two"] where example.expectedUser == "user-\(helper)" {
                #expect(setup.asked(helper) == "reg.example:5000")
            }
        }
    }

    @Test func aTokenUsernameMeansAnIdentityToken() async throws {
        try await CredentialSetup.with { setup in
            try setup.helper("tok", username: "<token>", secret: "refresh-123")
            try setup.config(#"{"credsStore":"tok"}"#)
            let found = try #require(try RegistryAuth.lookup(registry: "reg.example", environment: setup.environment))
            #expect(found.identityToken == "refresh-123")
            #expect(found.username == nil && found.password == nil)
        }
    }

    @Test func aHelperWithNoCredentialsMeansAnonymous() async throws {
        try await CredentialSetup.with { setup in
            try setup.failingHelper("empty", message: "credentials not found in native keychain")
            try setup.config(#"{"credsStore":"empty"}"#)
            #expect(try RegistryAuth.lookup(registry: "reg.example", environment: setup.environment) == nil)
        }
    }

    @Test func aFailingHelperIsAnErrorCarryingItsMessage() async throws {
        try await CredentialSetup.with { setup in
            try setup.failingHelper("locked", message: "the keyring is locked")
            try setup.config(#"{"credHelpers":{"reg.example":"locked"}}"#)
            let error = #expect(throws: RegistryCredentialError.self) {
                try RegistryAuth.lookup(registry: "reg.example", environment: setup.environment)
            }
            #expect(
                error?.description == "credentials for reg.example: docker-credential-locked: the keyring is locked")
        }
    }

    @Test func aHelperMissingFromPathIsNamed() async throws {
        try await CredentialSetup.with { setup in
            try setup.config(#"{"credsStore":"absent"}"#)
            let error = #expect(throws: RegistryCredentialError.self) {
                try RegistryAuth.lookup(registry: "reg.example", environment: setup.environment)
            }
            #expect(error?.description.contains("docker-credential-absent: not found on PATH") == true)
        }
    }

    @Test func printedCredentialsNeverShowTheSecrets() {
        let auth = RegistryAuth(
            username: "deploy", password: "hunter2-password", serverAddress: "reg.example",
            identityToken: "tok-abcdef")
        var dumped = ""
        dump(auth, to: &dumped)
        for text in [String(describing: auth), String(reflecting: auth), "\(auth)", dumped, "\([auth])"] {
            #expect(!text.contains("hunter2-password"), "\(text)")
            #expect(!text.contains("tok-abcdef"), "\(text)")
        }
        #expect(String(describing: auth).contains("deploy"))
        #expect(String(describing: auth).contains("reg.example"))
    }
}

@Suite(
    .enabled(
        if: TransportTestSupport.shouldRun(needing: ["docker-registry", "htpasswd"]),
        "needs a Docker engine, docker-registry and htpasswd (or CI=true to fail without them)"))
struct EngineRegistryCredentialTests {
    @Test func aPushUsesTheCredentialHelpersAnswerAndWrongCredentialsFailWithTheRegistrysMessage() async throws {
        try await EngineTestSupport.withClient { client in
            let name = EngineTestSupport.uniqueName("helper-push")
            let imageID = try await BusyboxImage.importImage(client, repository: name, value: name)
            do {
                try await EnginePushTests.withRegistry(users: [("twip", "s3cret-pass")]) { port in
                    let registry = "127.0.0.1:\(port)"
                    let repository = "\(registry)/\(name)"
                    try await client.tagImage(imageID, repository: repository, tag: "v1")
                    try await CredentialSetup.with { setup in
                        try setup.helper("right", username: "twip", secret: "s3cret-pass")
                        try setup.helper("wrong", username: "twip", secret: "not-the-password")
                        try setup.config(#"{"credHelpers":{"\#(registry)":"wrong"},"credsStore":"right"}"#)

                        let wrong = try #require(
                            try RegistryAuth.lookup(registry: registry, environment: setup.environment))
                        let refused = await #expect(throws: EngineError.self) {
                            try await client.pushImage(repository, tag: "v1", auth: wrong)
                        }
                        let message = refused?.message.lowercased() ?? ""
                        #expect(
                            message.contains("unauthorized") || message.contains("authentication required"),
                            "\(message)")
                        #expect(refused?.description.contains("not-the-password") == false)

                        try setup.config(#"{"credHelpers":{"\#(registry)":"right"}}"#)
                        let right = try #require(
                            try RegistryAuth.lookup(registry: registry, environment: setup.environment))
                        let digest = try await client.pushImage(repository, tag: "v1", auth: right)
                        #expect(digest?.hasPrefix("sha256:") == true)
                        #expect(
                            try await client.distributionDescriptor("\(repository):v1", auth: right).digest == digest)
                        let asked = await #expect(throws: EngineError.self) {
                            try await client.distributionDescriptor("\(repository):v1", auth: wrong)
                        }
                        #expect(asked?.isNotFound == false, "\(String(describing: asked))")
                    }
                }
            } catch {
                Issue.record(error)
            }
            try await client.removeImage(imageID, force: true)
        }
    }
}
