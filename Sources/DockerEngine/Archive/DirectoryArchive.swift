import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a directory tree on disk into tar items (regular files, directories, symlinks; hard links become copies).
public struct DirectoryArchive: Sendable {
    /// The directory whose contents become the archive's root.
    public var root: String
    /// Keep each file's uid/gid (image import); otherwise everything is owned by 0:0 (build contexts).
    public var preserveOwnership: Bool
    /// Use this mtime for every entry instead of the real one (reproducible archives).
    public var fixedMtime: Int?

    /// Creates an archive description of `root`.
    public init(root: String, preserveOwnership: Bool = false, fixedMtime: Int? = nil) {
        self.root = root
        self.preserveOwnership = preserveOwnership
        self.fixedMtime = fixedMtime
    }

    /// Lists the tree in a stable order; `isExcluded(relativePath)` drops entries, `mayContainIncluded` says
    /// whether an excluded directory must still be walked because something inside could be re-included.
    public func items(
        isExcluded: (String) -> Bool = { _ in false }, mayContainIncluded: (String) -> Bool = { _ in false }
    ) throws -> [TarItem] {
        var items: [TarItem] = []
        try walk(relative: "", into: &items, isExcluded: isExcluded, mayContainIncluded: mayContainIncluded)
        return items
    }

    /// A streamed tar of the whole tree.
    public func stream() throws -> TarStream { TarStream(items: try items()) }

    private func walk(
        relative: String, into items: inout [TarItem], isExcluded: (String) -> Bool,
        mayContainIncluded: (String) -> Bool
    ) throws {
        let directory = relative.isEmpty ? root : root + "/" + relative
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw TarError(path: directory, reason: "cannot list directory")
        }
        for name in names {
            let path = relative.isEmpty ? name : relative + "/" + name
            let absolute = root + "/" + path
            var info = stat()
            guard lstat(absolute, &info) == 0 else {
                throw TarError(path: absolute, reason: String(cString: strerror(errno)))
            }
            let excluded = isExcluded(path)
            let format = info.st_mode & S_IFMT
            let entryMode = UInt32(info.st_mode & 0o7777)
            let uid = preserveOwnership ? Int(info.st_uid) : 0
            let gid = preserveOwnership ? Int(info.st_gid) : 0
            let mtime = fixedMtime ?? Int(info.st_mtim.tv_sec)
            switch format {
            case S_IFDIR:
                if !excluded {
                    items.append(
                        TarItem(
                            entry: TarEntry(
                                path: path, kind: .directory, mode: entryMode, uid: uid, gid: gid, mtime: mtime)))
                }
                if !excluded || mayContainIncluded(path) {
                    try walk(
                        relative: path, into: &items, isExcluded: isExcluded, mayContainIncluded: mayContainIncluded)
                }
            case S_IFREG where !excluded:
                items.append(
                    TarItem(
                        entry: TarEntry(
                            path: path, kind: .file(size: Int64(info.st_size)), mode: entryMode, uid: uid, gid: gid,
                            mtime: mtime),
                        content: .file(path: absolute)))
            case S_IFLNK where !excluded:
                let target: String
                do {
                    target = try FileManager.default.destinationOfSymbolicLink(atPath: absolute)
                } catch {
                    throw TarError(path: absolute, reason: "cannot read symlink")
                }
                items.append(
                    TarItem(
                        entry: TarEntry(
                            path: path, kind: .symlink(target: target), mode: 0o777, uid: uid, gid: gid, mtime: mtime)
                    ))
            default:
                // Devices, fifos and sockets have no place in a build context or a device-less root filesystem.
                continue
            }
        }
    }
}
