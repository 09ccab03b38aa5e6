/// The short port syntax `[ip:][host:]container[/proto]`, with ranges such as `8000-8001:80-81`.
enum PortSyntax {
    /// The mapping a short-form entry stands for, or a message saying what is wrong with it.
    static func parse(_ text: String) -> Result<PortMapping, PortSyntaxError> {
        var spec = Substring(text.trimmingSpaces)
        var proto = "tcp"
        if let slash = spec.lastIndex(of: "/") {
            proto = String(spec[spec.index(after: slash)...])
            spec = spec[..<slash]
            guard ["tcp", "udp", "sctp"].contains(proto) else {
                return .failure(.init("protocol must be tcp, udp or sctp"))
            }
        }
        var hostIP: String?
        if spec.hasPrefix("[") {
            guard let close = spec.firstIndex(of: "]") else { return .failure(.init("unclosed [ in host address")) }
            hostIP = String(spec[spec.index(after: spec.startIndex)..<close])
            spec = spec[spec.index(after: close)...]
            guard spec.hasPrefix(":") else { return .failure(.init("expected : after the host address")) }
            spec = spec.dropFirst()
        }
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if hostIP == nil && parts.count > 3 {
            hostIP = parts.dropLast(2).joined(separator: ":")
            parts = Array(parts.suffix(2))
        } else if hostIP == nil && parts.count == 3 {
            hostIP = parts.removeFirst()
        }
        guard parts.count == 1 || parts.count == 2 else { return .failure(.init("too many colons")) }
        if hostIP?.isEmpty == true { hostIP = nil }
        if let hostIP, !HostAddress.isIP(hostIP) {
            return .failure(.init("host address \"\(hostIP)\" is not an IPv4 or IPv6 address"))
        }
        let containerText = parts[parts.count - 1]
        guard let container = range(containerText) else {
            return .failure(.init("container port must be a number or a range like 80-81"))
        }
        var published: ClosedRange<Int>?
        if parts.count == 2, !parts[0].isEmpty {
            guard let host = range(parts[0]) else {
                return .failure(.init("host port must be a number or a range like 8000-8001"))
            }
            guard host.count == container.count else {
                return .failure(.init("host and container port ranges must have the same length"))
            }
            published = host
        }
        return .success(PortMapping(target: container, published: published, hostIP: hostIP, protocol: proto))
    }

    /// `80` or `8000-8010` as the ports it covers, kept as a range; nil when malformed or out of 1...65535.
    static func range(_ text: String) -> ClosedRange<Int>? {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 1 || bounds.count == 2 else { return nil }
        let numbers = bounds.compactMap { b -> Int? in
            guard !b.isEmpty, b.count <= 5, b.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(b),
                (1...65535).contains(n)
            else { return nil }
            return n
        }
        guard numbers.count == bounds.count, numbers[0] <= numbers[numbers.count - 1] else { return nil }
        return numbers[0]...numbers[numbers.count - 1]
    }
}

/// Why a port entry is malformed.
struct PortSyntaxError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The short volume syntax `[source:]target[:ro|rw]`.
enum VolumeSyntax {
    /// The mount a short-form entry stands for (source not yet resolved), or what is wrong with it.
    static func parse(_ text: String) -> Result<Mount, PortSyntaxError> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var readOnly = false
        var propagation: String?
        var source: String?
        let target: String
        switch parts.count {
        case 1:
            target = parts[0]
        case 2:
            source = parts[0]
            target = parts[1]
        case 3:
            source = parts[0]
            target = parts[1]
            for option in parts[2].split(separator: ",") {
                switch option {
                case "ro": readOnly = true
                case "rw": readOnly = false
                case "z", "Z", "cached", "delegated", "consistent", "nocopy": break
                case _ where Mount.propagationModes.contains(String(option)): propagation = String(option)
                default:
                    return .failure(
                        .init("unknown mode \"\(option)\" (expected ro, rw or a propagation such as rslave)"))
                }
            }
        default:
            return .failure(.init("expected [SOURCE:]TARGET[:ro|rw]"))
        }
        guard !target.isEmpty else { return .failure(.init("the container path is empty")) }
        guard target.hasPrefix("/") else { return .failure(.init("the container path must be absolute")) }
        guard let source else { return .success(Mount(type: .volume, source: nil, target: target, readOnly: readOnly)) }
        guard !source.isEmpty else { return .failure(.init("the source is empty")) }
        let isPath = source.hasPrefix(".") || source.hasPrefix("/") || source.hasPrefix("~")
        var mount = Mount(type: isPath ? .bind : .volume, source: source, target: target, readOnly: readOnly)
        if let propagation {
            guard isPath else { return .failure(.init("a propagation mode applies only to a bind mount")) }
            mount.propagation = propagation
        }
        return .success(mount)
    }
}
