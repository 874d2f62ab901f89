/// A miniport whose I/O a real-time engine drives, rather than a wire that
/// calls it: it names the file descriptors to wait on, and when one is
/// ready (or when the engine chooses) it is polled, reading what arrived
/// and indicating it up in batches, and writing what waits to go out.
public protocol PolledMiniport: AnyObject {
    /// The descriptors to wait on for readability (one per queue).
    var fileDescriptors: [Int32] { get }
    /// Reads and indicates up to `budget` frames and flushes pending sends;
    /// returns the frames handled, so the engine can tell a busy device
    /// from an idle one.
    func poll(budget: Int) -> Int
    /// Whether sends wait for the device to take them (it said EAGAIN):
    /// the engine then comes back soon rather than waiting for input.
    var wantsWritable: Bool { get }
}
