import NetCore

/// DRIVER_OBJECT: what the I/O manager hands a driver's DriverEntry. Here it
/// names the driver and ties it to the `Ndis` instance it registers with.
public final class DriverObject {
    /// The driver's service name.
    public let name: String
    /// The NDIS instance (one per stack) this driver was loaded into.
    public unowned let ndis: Ndis

    init(name: String, ndis: Ndis) {
        self.name = name
        self.ndis = ndis
    }
}

/// DRIVER_INITIALIZE: the signature of a driver's DriverEntry.
public typealias DriverInitialize = (_ driverObject: DriverObject, _ registryPath: String) -> NTStatus
