import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM turned into a call on a dispatch queue: the default
/// actions are ignored and DispatchSource signal sources (signalfd-like,
/// outside any signal handler) call `action`, which may then do anything
/// a thread may do — here, submit the shutdown to the engine.
final class ShutdownSignals {
    private var sources: [DispatchSourceSignal] = []

    init(queue: DispatchQueue, action: @escaping @Sendable (Int32) -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { action(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops listening; the signals keep being ignored until the process exits.
    func cancel() {
        for source in sources { source.cancel() }
        sources = []
    }
}
