import NetCore

extension IRP {
    /// IO_STATUS_BLOCK: the result an IRP carries once it completes, which
    /// is how every asynchronous WSK call reports back.
    public struct IoStatusBlock: Sendable, Equatable {
        /// IoStatus.Status: the final NTSTATUS of the request.
        public var status: NTStatus

        /// IoStatus.Information: what the request produced besides its
        /// status — bytes sent or received, or an output length for control
        /// calls.
        public var information: Int

        /// Builds the block IoCompleteRequest leaves in the IRP.
        public init(status: NTStatus, information: Int) {
            self.status = status
            self.information = information
        }
    }
}
