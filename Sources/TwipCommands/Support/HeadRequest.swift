import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One plain HTTP/1.1 request on loopback that reads only the status line and headers, like `curl -I -X GET`.
struct HeadRequest {
    var host: String
    var port: Int
    var path: String
    var timeout: TimeInterval = 10

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The status code and the header block (status line first), or a failure naming the address.
    func perform() throws -> (status: Int, head: String) {
        let address = "\(host):\(port)"
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            throw Failure(description: "\(host) is not an IPv4 address")
        }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            throw Failure(description: "no answer from http://\(address): \(String(cString: strerror(errno)))")
        }
        let request =
            "GET \(path) HTTP/1.1\r\nHost: \(address)\r\nUser-Agent: twip\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        let sent = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, request.utf8.count, 0) }
        guard sent == request.utf8.count else {
            throw Failure(description: "http://\(address)\(path): could not send the request")
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while received.count < 65536 {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
            if count <= 0 { break }
            received += chunk[..<count]
            if let range = received.firstRange(of: terminator) {
                received = Array(received[..<range.lowerBound])
                break
            }
        }
        let head = String(decoding: received, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let statusLine = head.split(separator: "\n", maxSplits: 1).first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw Failure(description: "http://\(address)\(path): no HTTP answer (connection closed or timed out)")
        }
        return (status, head)
    }
}
