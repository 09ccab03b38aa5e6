/// One entry of a tar archive: its path, kind and metadata.
public struct TarEntry: Sendable, Equatable {
    /// What an entry is.
    public enum Kind: Sendable, Equatable {
        case file(size: Int64)
        case directory
        case symlink(target: String)
    }

    /// The path inside the archive, relative, with `/` separators (no trailing slash for directories).
    public var path: String
    public var kind: Kind
    /// Permission bits (e.g. 0o644).
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    /// Modification time in UNIX seconds.
    public var mtime: Int

    /// Creates an entry.
    public init(path: String, kind: Kind, mode: UInt32, uid: Int = 0, gid: Int = 0, mtime: Int = 0) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.mtime = mtime
    }

    /// The number of content bytes that follow the header.
    public var size: Int64 {
        if case .file(let size) = kind { return size }
        return 0
    }
}

/// Encodes ustar headers, with a PAX extended header in front when a field does not fit.
public enum TarHeader {
    /// The tar block size.
    public static let blockSize = 512

    /// The header block(s) for an entry: a PAX header pair when needed, then the ustar header.
    public static func encode(_ entry: TarEntry) -> [UInt8] {
        var name = entry.path
        if case .directory = entry.kind, !name.hasSuffix("/") { name += "/" }
        var linkName = ""
        if case .symlink(let target) = entry.kind { linkName = target }

        var pax: [(String, String)] = []
        if name.utf8.count > 100 { pax.append(("path", name)) }
        if linkName.utf8.count > 100 { pax.append(("linkpath", linkName)) }
        if entry.size > 0o77777777777 { pax.append(("size", String(entry.size))) }
        if entry.uid > 0o7777777 { pax.append(("uid", String(entry.uid))) }
        if entry.gid > 0o7777777 { pax.append(("gid", String(entry.gid))) }

        var out: [UInt8] = []
        if !pax.isEmpty {
            let records = pax.flatMap { paxRecord(key: $0.0, value: $0.1) }
            let paxName = "PaxHeader/" + String(decoding: name.utf8.suffix(80), as: UTF8.self)
            out += block(
                name: paxName, mode: 0o644, uid: 0, gid: 0, size: Int64(records.count), mtime: entry.mtime,
                type: UInt8(ascii: "x"), linkName: "")
            out += records
            out += padding(for: Int64(records.count))
        }
        let type: UInt8
        switch entry.kind {
        case .file: type = UInt8(ascii: "0")
        case .directory: type = UInt8(ascii: "5")
        case .symlink: type = UInt8(ascii: "2")
        }
        out += block(
            name: name, mode: entry.mode, uid: min(entry.uid, 0o7777777), gid: min(entry.gid, 0o7777777),
            size: entry.size > 0o77777777777 ? 0 : entry.size, mtime: entry.mtime, type: type, linkName: linkName)
        return out
    }

    /// Zero bytes that round `size` up to a whole block.
    public static func padding(for size: Int64) -> [UInt8] {
        let rest = Int(size % Int64(blockSize))
        return rest == 0 ? [] : [UInt8](repeating: 0, count: blockSize - rest)
    }

    /// The two zero blocks that end an archive.
    public static let endOfArchive = [UInt8](repeating: 0, count: 2 * blockSize)

    /// A PAX record `"<len> key=value\n"`, where len counts the whole record including itself.
    static func paxRecord(key: String, value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length {
            length = String(length).utf8.count + body.utf8.count
        }
        return Array((String(length) + body).utf8)
    }

    static func block(
        name: String, mode: UInt32, uid: Int, gid: Int, size: Int64, mtime: Int, type: UInt8, linkName: String
    ) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: some Collection<UInt8>, at offset: Int, width: Int) {
            for (index, byte) in bytes.prefix(width).enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: Int64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8).leftPadded(to: width - 1)
            put(Array(digits.utf8), at: offset, width: width - 1)
        }
        put(Array(name.utf8), at: 0, width: 100)
        octal(Int64(mode & 0o7777), at: 100, width: 8)
        octal(Int64(uid), at: 108, width: 8)
        octal(Int64(gid), at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(Int64(max(mtime, 0)), at: 136, width: 12)
        header[156] = type
        put(Array(linkName.utf8), at: 157, width: 100)
        put(Array("ustar\0".utf8), at: 257, width: 6)
        put(Array("00".utf8), at: 263, width: 2)
        for index in 148..<156 { header[index] = UInt8(ascii: " ") }
        let checksum = header.reduce(0) { $0 + Int64($1) }
        let digits = String(checksum, radix: 8).leftPadded(to: 6)
        put(Array(digits.utf8), at: 148, width: 6)
        header[154] = 0
        header[155] = UInt8(ascii: " ")
        return header
    }
}
