import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The package's one translation of failed file operations into message text, and its one
/// `write(2)` loop: every library and tool that names a file error uses these, so messages
/// read the same everywhere (`No such file or directory`, `Is a directory`, ...).
package enum SystemCallText {
    /// The `strerror` text of an `errno` value.
    ///
    /// - Parameter code: An `errno` value.
    /// - Returns: The C library's description, e.g. `No space left on device`.
    package static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// The `errno` text of a failed Foundation file operation, never Foundation's raw
    /// `NSCocoaErrorDomain` text ("The operation could not be completed").
    ///
    /// Foundation on Linux wraps the failed call's `errno` as the `NSUnderlyingError` of an
    /// `NSCocoaErrorDomain` error (reachable through `any Error`, not through `as? NSError`);
    /// that `errno` is reported. Cocoa codes without one are mapped to the matching `errno`.
    ///
    /// - Parameter error: What Foundation threw.
    /// - Returns: One short phrase for an error message.
    package static func describe(fileError error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain, let code = Int32(exactly: posix.code) { return describe(errno: code) }
        }
        if nsError.domain == NSPOSIXErrorDomain, let code = Int32(exactly: nsError.code) { return describe(errno: code) }
        guard nsError.domain == NSCocoaErrorDomain else { return "\(error)" }
        switch nsError.code {
        case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return describe(errno: ENOENT)
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return describe(errno: EACCES)
        case NSFileWriteOutOfSpaceError: return describe(errno: ENOSPC)
        case NSFileWriteVolumeReadOnlyError: return describe(errno: EROFS)
        case NSFileWriteFileExistsError: return describe(errno: EEXIST)
        case NSFileReadCorruptFileError, NSFileReadInapplicableStringEncodingError: return "not readable as UTF-8 text"
        default: return "file operation failed (Foundation error \(nsError.code))"
        }
    }

    /// Writes every byte to `fd`, retrying on `EINTR` and partial writes. Calls `write(2)`.
    ///
    /// - Parameters:
    ///   - bytes: The bytes.
    ///   - fd: An open file descriptor.
    /// - Returns: `nil` on success, else the `errno` of the failed call.
    package static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }
}
