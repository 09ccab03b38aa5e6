import Foundation
public import TwipStack

/// The labels twip puts on everything it creates, and reads back to find what it owns.
public enum TwipLabel {
    public static let environment = "io.twip.env"
    public static let service = "io.twip.service"
    public static let replica = "io.twip.replica"
    public static let configHash = "io.twip.config-hash"
    public static let base = "io.twip.base"
    /// `holder` on the container that owns a handing-over proxy's network namespace and ports.
    public static let role = "io.twip.role"
    /// `HOST:PORT` of a proxy generation's runtime API inside its container.
    public static let runtime = "io.twip.proxy.runtime"
}

/// How the objects of one environment are named on the engine.
public struct EnvironmentNames: Sendable, Hashable {
    public var environment: String

    public init(environment: String) {
        self.environment = environment
    }

    /// `ENV-SERVICE-N`, the name of one replica's container.
    public func container(service: String, replica: Int) -> String {
        "\(environment)-\(service)-\(replica)"
    }

    /// `ENV_NAME`, the engine name of a network declared in the stack (or the implicit `default`).
    public func network(_ name: String) -> String {
        "\(environment)_\(name)"
    }

    /// `ENV-SERVICE-holder`, the container that owns a handing-over proxy's network namespace and published ports.
    public func holder(service: String) -> String {
        "\(environment)-\(service)-holder"
    }

    /// `ENV_SERVICE-handover`, the volume where a proxy's generations find each other's handover sockets.
    public func handoverVolume(service: String) -> String {
        "\(environment)_\(service)-handover"
    }

    /// `ENV_NAME`, the engine name of a named volume declared in the stack.
    public func volume(_ name: String) -> String {
        "\(environment)_\(name)"
    }

    /// `twip-ENV-SERVICE:latest`, the image twip builds for a service that has no `image` of its own.
    public func image(service: String) -> String {
        "twip-\(environment)-\(service):latest"
    }

    /// The image reference a service's containers run: its `image`, or the one twip builds for it.
    public func imageReference(for service: Service) -> String {
        service.image ?? image(service: service.name)
    }

    /// The label filter that selects this environment's objects.
    public var labelFilter: String { "\(TwipLabel.environment)=\(environment)" }
}

extension EnvironmentNames {
    /// The file names compose looks for; a stack under one of them is named after its folder, as compose does.
    public static let composeFileNames: Set<String> = [
        "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml",
    ]

    /// An environment name as the engine's object names take it: lowercase letters, digits, '-' and '_', starting
    /// with a letter or digit.
    public static func validate(_ name: String) throws(UsageFailure) {
        guard let first = name.unicodeScalars.first, isLowerAlphanumeric(first),
            name.unicodeScalars.allSatisfy({ isLowerAlphanumeric($0) || $0 == "-" || $0 == "_" }),
            name.count <= 63
        else {
            throw UsageFailure(
                "invalid environment name \"\(name)\": use lowercase letters, digits, '-' and '_' (at most 63)")
        }
    }

    /// The environment a stack file given with `-f` stands for: the stack's own `name:`; else, for one of
    /// compose's default file names, its folder's name (so two projects' `docker-compose.yml` never share an
    /// environment); else the file name without its extension. Validated.
    public static func environment(forFile path: String, stackName: String?) throws(UsageFailure) -> String {
        let components = path.split(separator: "/").map(String.init)
        let file = components.last ?? path
        let base =
            file.contains(".") && !file.hasPrefix(".")
            ? String(file[..<(file.lastIndex(of: ".") ?? file.endIndex)]) : file
        if let stackName, stackName != base {
            try validate(stackName)
            return stackName
        }
        if composeFileNames.contains(file) {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
            let folder = absolute.split(separator: "/").last.map(String.init) ?? "default"
            let normalized = String(
                folder.lowercased().unicodeScalars.filter { isLowerAlphanumeric($0) || $0 == "-" || $0 == "_" })
            let trimmed = String(normalized.drop { $0 == "-" || $0 == "_" })
            try validate(trimmed)
            return trimmed
        }
        try validate(base)
        return base
    }

    static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
