/// A TAP device is driven by an engine: its queues' descriptors are waited
/// on and `poll(budget:)` moves the frames.
extension TapMiniport: PolledMiniport {}
