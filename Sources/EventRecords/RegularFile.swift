#if canImport(Glibc)
    import Glibc
#endif

/// Opens event files for reading without ever blocking on something that is not a file.
///
/// A FIFO named like an event file would block `open(2)` until a writer appears, and a read
/// from a socket or a terminal could wait forever. The path is checked with `stat(2)` first,
/// opened with `O_NONBLOCK` (so even a FIFO swapped in after the check cannot block the open)
/// and checked again with `fstat(2)` on the descriptor that will be read.
enum RegularFile {
    /// What a path that is not a regular file is, in words (from `st_mode & S_IFMT`).
    static func kind(ofMode mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// What `path` is when it exists and is not a regular file (symbolic links followed), or
    /// `nil` for a regular file or a path `stat(2)` cannot read.
    ///
    /// - Parameter path: The path to check.
    /// - Returns: A phrase such as `"a FIFO"`, or `nil`.
    static func nonRegularKind(of path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return kind(ofMode: status.st_mode)
    }

    /// Opens a regular file read-only, refusing anything else without blocking.
    ///
    /// - Parameter path: The file.
    /// - Returns: The descriptor (`O_RDONLY | O_CLOEXEC`, blocking mode restored).
    /// - Throws: `RecordError.notRegularFile`, or `.openFailed` with the `errno` text.
    static func openForReading(_ path: String) throws(RecordError) -> Int32 {
        if let kind = nonRegularKind(of: path) { throw .notRegularFile(path: path, kind: kind) }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { throw .openFailed(path: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .openFailed(path: path, reason: reason)
        }
        if let kind = kind(ofMode: status.st_mode) {
            close(fd)
            throw .notRegularFile(path: path, kind: kind)
        }
        // Regular files ignore O_NONBLOCK; clear it anyway so the descriptor is an ordinary one.
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }
}
