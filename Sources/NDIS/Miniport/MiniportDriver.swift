import NetCore

/// The NDIS_HANDLE NdisMRegisterMiniportDriver returns: one registered
/// miniport driver, from which adapters are started.
public final class MiniportDriver {
    /// The driver object it was registered from.
    public let driverObject: DriverObject
    /// The characteristics it registered.
    public let characteristics: MiniportDriverCharacteristics
    /// MiniportDriverContext: handed back to the driver's handlers.
    public let driverContext: AnyObject?
    /// The registry path given at registration.
    public let registryPath: String

    init(driverObject: DriverObject, registryPath: String, driverContext: AnyObject?,
         characteristics: MiniportDriverCharacteristics) {
        self.driverObject = driverObject
        self.registryPath = registryPath
        self.driverContext = driverContext
        self.characteristics = characteristics
    }
}
