import Foundation

extension RegistryAuth {
    /// Finds `registry`'s credentials as the docker CLI does: the helper in `credHelpers[registry]`, else the
    /// `credsStore` helper, else `auths` in `$DOCKER_CONFIG/config.json`; nil when none are known.
    ///
    /// Helpers are `docker-credential-NAME` programs found on `environment`'s PATH (the process environment
    /// when nil), asked with `get`.
    public static func lookup(
        registry: String, environment: [String: String]? = nil, homeDirectory: String? = nil
    ) throws -> RegistryAuth? {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let directory = DockerConfigFile.directory(environment: environment, homeDirectory: homeDirectory)
        guard let config = try DockerConfigFile.load(path: directory + "/config.json") else { return nil }
        if let name = config.credHelpers?[registry], !name.isEmpty {
            return try CredentialHelper(name: name, environment: environment).get(registry: registry)
        }
        if let name = config.credsStore, !name.isEmpty {
            return try CredentialHelper(name: name, environment: environment).get(registry: registry)
        }
        return fromAuths(config.auths ?? [:], registry: registry)
    }
}

extension RegistryAuth: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Names the registry and the user, never the secrets.
    public var description: String {
        var parts = ["registry: \(serverAddress ?? "(unspecified)")"]
        if let username { parts.append("username: \(username)") }
        if password != nil { parts.append("password: <redacted>") }
        if identityToken != nil { parts.append("identity token: <redacted>") }
        return "RegistryAuth(" + parts.joined(separator: ", ") + ")"
    }

    /// Same as `description`: debug output must not leak the secrets either.
    public var debugDescription: String { description }

    /// Keeps `dump` and debuggers from showing the secrets.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "serverAddress": serverAddress as Any, "username": username as Any,
                "password": password == nil ? "nil" : "<redacted>",
                "identityToken": identityToken == nil ? "nil" : "<redacted>",
            ])
    }
}

/// A `docker-credential-NAME` program, run the way the docker CLI runs it.
public struct CredentialHelper: Sendable {
    /// The helper's name (`NAME` in `docker-credential-NAME`).
    public var name: String
    /// The environment whose PATH is searched and which the helper runs with.
    public var environment: [String: String]

    /// Creates a helper runner.
    public init(name: String, environment: [String: String]) {
        self.name = name
        self.environment = environment
    }

    /// The helper's program name.
    public var program: String { "docker-credential-\(name)" }

    /// Asks the helper for `registry`'s credentials (`get`, the server address on standard input); nil when
    /// the helper has none. A Username of `<token>` means the Secret is an identity token.
    public func get(registry: String) throws(RegistryCredentialError) -> RegistryAuth? {
        let (status, output, errors) = try run(["get"], input: registry)
        let text = String(decoding: output, as: UTF8.self).trimmingTrailingNewlines()
        guard status == 0 else {
            // The helper protocol's "not found" answer means no credentials, not a failure.
            if text.contains("credentials not found") { return nil }
            let stderr = String(decoding: errors, as: UTF8.self).trimmingTrailingNewlines()
            let message = [text, stderr].filter { !$0.isEmpty }.joined(separator: "; ")
            throw RegistryCredentialError(
                registry: registry, helper: program,
                message: message.isEmpty ? "exited with status \(status)" : message)
        }
        struct Answer: Decodable {
            var Username: String?
            var Secret: String?
        }
        guard let answer = try? JSONCoding.decode(Answer.self, from: output) else {
            throw RegistryCredentialError(registry: registry, helper: program, message: "answered with invalid JSON")
        }
        guard let secret = answer.Secret, !secret.isEmpty else { return nil }
        if answer.Username == "<token>" {
            return RegistryAuth(username: nil, password: nil, serverAddress: registry, identityToken: secret)
        }
        return RegistryAuth(username: answer.Username, password: secret, serverAddress: registry)
    }

    /// The helper's path on PATH, nil when it is not there.
    public func executablePath() -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    private func run(_ arguments: [String], input: String) throws(RegistryCredentialError) -> (Int32, [UInt8], [UInt8])
    {
        guard let executable = executablePath() else {
            throw RegistryCredentialError(registry: input, helper: program, message: "not found on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw RegistryCredentialError(registry: input, helper: program, message: "cannot run: \(error)")
        }
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        // Helpers answer in a few hundred bytes; reading one pipe after the other cannot block on a full pipe.
        let output = Array(stdout.fileHandleForReading.readDataToEndOfFile())
        let errors = Array(stderr.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return (process.terminationStatus, output, errors)
    }
}

/// A credential helper failed or is missing; carries the helper's own message, never the credentials.
public struct RegistryCredentialError: Error, Equatable, CustomStringConvertible {
    /// The registry whose credentials were asked for.
    public var registry: String
    /// The helper program.
    public var helper: String
    /// What went wrong, in the helper's words when it said something.
    public var message: String

    /// Renders `credentials for REGISTRY: docker-credential-NAME: message`.
    public var description: String { "credentials for \(registry): \(helper): \(message)" }
}
