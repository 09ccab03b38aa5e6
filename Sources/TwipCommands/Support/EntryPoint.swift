import TwipCore
import TwipStack

/// Where an environment takes its traffic: the first published port of its proxy, else of any service.
func entryPort(of loaded: LoadedEnvironment) throws -> (host: String, port: Int) {
    let proxyNames = Set(loaded.proxies.map(\.service))
    let ordered =
        loaded.stack.services.filter { proxyNames.contains($0.name) }
        + loaded.stack.services.filter { !proxyNames.contains($0.name) }
    for service in ordered {
        if let port = service.ports.first(where: { $0.published != nil && $0.protocol == "tcp" }),
            let published = port.published
        {
            let ip = port.hostIP ?? ""
            return (ip.isEmpty || ip == "0.0.0.0" || ip == "::" ? "127.0.0.1" : ip, published)
        }
    }
    throw UsageError("\(loaded.displayPath): no service publishes a port, so the environment has no entry point")
}
