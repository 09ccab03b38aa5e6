import TwipYAML

/// Network address settings: a service's fixed addresses on a network, and a network's `ipam`.
extension StackDecoder {
    func decodeAttachmentOption(_ key: String, _ value: Node, _ path: String, into network: inout ServiceNetwork) {
        switch key {
        case "ipv4_address", "ipv6_address":
            guard let address = context.string(value, path) else { return }
            let isV6 = address.contains(":")
            guard HostAddress.isIP(address), isV6 == (key == "ipv6_address") else {
                context.report(
                    value, path,
                    "invalid \(key) \"\(DecodingContext.excerpt(address))\": expected an IPv\(key == "ipv4_address" ? 4 : 6) address"
                )
                return
            }
            if isV6 { network.ipv6Address = address } else { network.ipv4Address = address }
        case "priority":
            if context.int(value, path, minimum: Int.min) != nil {
                context.warn(value, path, "priority is not honoured: networks are joined in the order written")
            }
        default:
            if context.stringList(value, path) != nil { context.warn(value, path, "\(key) is not honoured") }
        }
    }

    func decodeIPAM(_ node: Node, _ path: String) -> IPAM? {
        guard let entries = context.entries(node, path, known: ["driver", "config", "options"]) else { return nil }
        var ipam = IPAM()
        for (key, value, _) in entries {
            let p = joinPath(path, key)
            switch key {
            case "driver": ipam.driver = context.string(value, p)
            case "options": ipam.options = context.stringMap(value, p) ?? [:]
            case "config":
                guard case .sequence(let items) = value.content else {
                    context.typeMismatch(value, p, expected: "a list")
                    continue
                }
                for (index, item) in items.enumerated() {
                    let ip = "\(p)[\(index)]"
                    let known = ["subnet", "ip_range", "gateway", "aux_addresses"]
                    guard let fields = context.entries(item, ip, known: known) else { continue }
                    var pool = IPAM.Pool()
                    for (field, fieldValue, _) in fields {
                        let fp = joinPath(ip, field)
                        if field == "aux_addresses" {
                            for (host, address) in (context.stringMap(fieldValue, fp) ?? [:]).sorted(by: {
                                $0.key < $1.key
                            }) {
                                guard HostAddress.isIP(address) else {
                                    context.report(
                                        fieldValue, joinPath(fp, host),
                                        "invalid address \"\(DecodingContext.excerpt(address))\" for \(DecodingContext.excerpt(host)): expected an IP address"
                                    )
                                    continue
                                }
                                pool.auxAddresses[host] = address
                            }
                            continue
                        }
                        guard let text = context.string(fieldValue, fp) else { continue }
                        let address = field == "gateway" ? text : String(text.split(separator: "/").first ?? "")
                        let prefixOK =
                            field == "gateway"
                            || (text.split(separator: "/").count == 2
                                && Int(text.split(separator: "/")[1]).map { (0...128).contains($0) } == true)
                        guard HostAddress.isIP(address), prefixOK else {
                            let expected = field == "gateway" ? "an IP address" : "a CIDR such as 172.28.0.0/16"
                            context.report(
                                fieldValue, fp,
                                "invalid \(field) \"\(DecodingContext.excerpt(text))\": expected \(expected)")
                            continue
                        }
                        switch field {
                        case "subnet": pool.subnet = text
                        case "ip_range": pool.ipRange = text
                        default: pool.gateway = text
                        }
                    }
                    ipam.config.append(pool)
                }
            default: break
            }
        }
        return ipam
    }
}
