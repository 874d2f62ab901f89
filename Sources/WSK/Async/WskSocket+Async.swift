import NetCore

extension WskSocket {
    /// Runs a WSK call with a fresh IRP on the engine thread and waits for
    /// the IRP's completion; Swift task cancellation cancels the IRP
    /// (IoCancelIrp), which completes it with STATUS_CANCELLED.
    func perform(_ start: @escaping @Sendable (IRP) -> Void) async -> IRP.IoStatusBlock {
        await performReturningIRP(start).ioStatus
    }

    /// `perform`, returning the completed IRP itself — for a request whose
    /// result is a socket (`irp.socket`).
    func performReturningIRP(_ start: @escaping @Sendable (IRP) -> Void) async -> IRP {
        let irp = IRP()
        let subsystem = self.subsystem
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<IRP, Never>) in
                irp.setCompletionRoutine { completed in
                    continuation.resume(returning: completed)
                    return .moreProcessingRequired
                }
                subsystem.runOnEngine { start(irp) }
            }
        } onCancel: {
            ioCancelIrp(irp)
        }
    }

    /// WskCloseSocket, awaited.
    public func close() async {
        _ = await perform { irp in _ = self.closeSocket(irp) }
    }
}
