import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Checks whether a TCP port on this host can still be published.
enum HostPort {
    /// True when nothing listens on `port` (at `address`, or any address when nil or empty).
    static func isFree(_ port: Int, address: String?) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let host = (address?.isEmpty ?? true) ? "0.0.0.0" : address ?? "0.0.0.0"
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { return true }
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
