import NetCore

extension WskSocket {
    /// Runs a WSK call with a fresh IRP on the engine thread and waits for
    /// the IRP's completion; Swift task cancellation cancels the IRP
    /// (IoCancelIrp), which completes it with STATUS_CANCELLED.
    func perform(_ start: @escaping @Sendable (IRP) -> Void) async -> IRP.IoStatusBlock {
        let irp = IRP()
        let subsystem = self.subsystem
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<IRP.IoStatusBlock, Never>) in
                irp.setCompletionRoutine { completed in
                    continuation.resume(returning: completed.ioStatus)
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
