/// Why an engine could not start or take a device: the failing system
/// call and its errno, for one line of diagnosis.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The system call.
    public let call: String
    /// errno.
    public let errno: Int32

    public var description: String { "\(call) failed (errno \(errno))" }
}
